import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import { DeliveryKind } from '@kubecerts/backstage-plugin-certificates-common';
import { PolicyChoices, RequestFormState } from './formState';
import { FormField } from './violations';

const DELIVERY_LABELS: Record<DeliveryKind, string> = {
  csr: 'I provide a CSR and download the certificate',
  secret: 'Write a TLS Secret into a cluster',
  'cert-manager': 'Create a cert-manager Certificate in a cluster',
};

export interface DeliveryFieldsProps {
  state: RequestFormState;
  deliveries: DeliveryKind[];
  choices: PolicyChoices;
  errors: Partial<Record<FormField, string[]>>;
  onChange(patch: Partial<RequestFormState>): void;
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

const help = (errors: string[] | undefined, fallback?: string) =>
  errors?.length ? errors.join(' ') : fallback;

/** How the certificate reaches its user: a CSR the requester keeps the key of, or a cluster. */
export const DeliveryFields = (props: DeliveryFieldsProps) => {
  const { state, deliveries, choices, errors, onChange } = props;
  const text =
    (field: keyof RequestFormState) => (e: ChangeEvent<HTMLInputElement>) =>
      onChange({ [field]: e.target.value });

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) onChange({ csr: await readFile(file) });
  };

  return (
    <Box mt={2}>
      <FormControl
        component="fieldset"
        error={Boolean(errors['delivery.kind'])}
      >
        <FormLabel component="legend">Delivery</FormLabel>
        <RadioGroup
          aria-label="Delivery"
          name="delivery"
          value={state.deliveryKind}
          onChange={e =>
            onChange({ deliveryKind: e.target.value as DeliveryKind })
          }
        >
          {deliveries.map(kind => (
            <FormControlLabel
              key={kind}
              value={kind}
              control={<Radio />}
              label={DELIVERY_LABELS[kind]}
            />
          ))}
        </RadioGroup>
        {errors['delivery.kind'] && (
          <FormHelperText>{errors['delivery.kind'].join(' ')}</FormHelperText>
        )}
      </FormControl>

      {state.deliveryKind === 'csr' ? (
        <Box>
          <TextField
            id="certificate-request-csr"
            label="Certificate signing request (PEM)"
            value={state.csr}
            onChange={text('csr')}
            multiline
            minRows={4}
            fullWidth
            variant="outlined"
            margin="dense"
            error={Boolean(errors['delivery.csr'])}
            helperText={help(
              errors['delivery.csr'],
              'Paste the PKCS#10 CSR; the private key stays with you.',
            )}
            inputProps={{ style: { fontFamily: 'monospace' } }}
          />
          <Button component="label" size="small" variant="outlined">
            Upload CSR file
            <input
              type="file"
              hidden
              accept=".csr,.pem,.req,text/plain"
              aria-label="CSR file"
              onChange={onFile}
            />
          </Button>
        </Box>
      ) : (
        <Box display="flex" flexWrap="wrap" style={{ gap: 12 }}>
          <TextField
            id="certificate-request-cluster"
            select
            label="Cluster"
            value={state.cluster}
            onChange={text('cluster')}
            margin="dense"
            style={{ minWidth: 180 }}
            error={Boolean(errors['delivery.cluster'])}
            helperText={help(errors['delivery.cluster'])}
          >
            {choices.clusters.map(cluster => (
              <MenuItem key={cluster} value={cluster}>
                {cluster}
              </MenuItem>
            ))}
          </TextField>
          {choices.namespaces.length > 0 ? (
            <TextField
              id="certificate-request-namespace"
              select
              label="Namespace"
              value={state.namespace}
              onChange={text('namespace')}
              margin="dense"
              style={{ minWidth: 180 }}
              error={Boolean(errors['delivery.namespace'])}
              helperText={help(errors['delivery.namespace'])}
            >
              {choices.namespaces.map(namespace => (
                <MenuItem key={namespace} value={namespace}>
                  {namespace}
                </MenuItem>
              ))}
            </TextField>
          ) : (
            <TextField
              id="certificate-request-namespace"
              label="Namespace"
              value={state.namespace}
              onChange={text('namespace')}
              margin="dense"
              style={{ minWidth: 180 }}
              error={Boolean(errors['delivery.namespace'])}
              helperText={help(
                errors['delivery.namespace'],
                choices.namespacePatterns.length
                  ? `Allowed: ${choices.namespacePatterns.join(', ')}`
                  : undefined,
              )}
            />
          )}
          <TextField
            id="certificate-request-secret-name"
            label="Secret name"
            value={state.secretName}
            onChange={text('secretName')}
            margin="dense"
            style={{ minWidth: 180 }}
            error={Boolean(errors['delivery.secretName'])}
            helperText={help(errors['delivery.secretName'])}
          />
        </Box>
      )}
    </Box>
  );
};
