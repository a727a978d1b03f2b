import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import { DeliveryKind } from '@kubecerts/backstage-plugin-certificates-common';
import { PolicyChoices } from './formState';
import { FormField } from '../common/FormField';
import { RequestFormBinding, requestFieldProps } from './requestField';

const DELIVERY_LABELS: Record<DeliveryKind, string> = {
  csr: 'I provide a CSR and download the certificate',
  secret: 'Write a TLS Secret into a cluster',
  'cert-manager': 'Create a cert-manager Certificate in a cluster',
};

export interface DeliveryFieldsProps {
  form: RequestFormBinding;
  deliveries: DeliveryKind[];
  choices: PolicyChoices;
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

/** How the certificate reaches its user: a CSR the requester keeps the key of, or a cluster. */
export const DeliveryFields = (props: DeliveryFieldsProps) => {
  const { form, deliveries, choices } = props;
  const { state, errors, onChange } = form;

  const field = requestFieldProps(form);
  /** A field of the delivery target in a cluster. */
  const clusterField = (
    name: 'cluster' | 'namespace' | 'secretName',
    label: string,
    id: string = name,
  ) => field(name, label, { id, errorKey: `delivery.${name}`, minWidth: 180 });

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
          <FormField
            {...field('csr', 'Certificate signing request (PEM)', {
              id: 'csr',
              errorKey: 'delivery.csr',
            })}
            multiline
            minRows={4}
            fullWidth
            variant="outlined"
            hint="Paste the PKCS#10 CSR; the private key stays with you."
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
          <FormField
            {...clusterField('cluster', 'Cluster')}
            options={choices.clusters}
          />
          {choices.namespaces.length > 0 ? (
            <FormField
              {...clusterField('namespace', 'Namespace')}
              options={choices.namespaces}
            />
          ) : (
            <FormField
              {...clusterField('namespace', 'Namespace')}
              hint={
                choices.namespacePatterns.length
                  ? `Allowed: ${choices.namespacePatterns.join(', ')}`
                  : undefined
              }
            />
          )}
          <FormField
            {...clusterField('secretName', 'Secret name', 'secret-name')}
          />
        </Box>
      )}
    </Box>
  );
};
