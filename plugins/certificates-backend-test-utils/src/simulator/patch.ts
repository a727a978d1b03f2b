import { StatusError, statusErrors } from './status';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON Merge Patch (RFC 7386): objects merge, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw statusErrors.badRequest(`invalid JSON pointer "${pointer}"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

class PatchFailure extends Error {}

function failed(message: string) {
  return new PatchFailure(message);
}

function resolveParent(doc: any, tokens: string[], op: string) {
  let parent = doc;
  for (const token of tokens.slice(0, -1)) {
    const next = Array.isArray(parent)
      ? parent[Number(token)]
      : parent?.[token];
    if (typeof next !== 'object' || next === null) {
      throw failed(
        `${op} operation does not apply: doc is missing path: ${tokens.join(
          '/',
        )}`,
      );
    }
    parent = next;
  }
  return parent;
}

function getAt(doc: unknown, tokens: string[]): unknown {
  let current: any = doc;
  for (const token of tokens) {
    if (
      typeof current !== 'object' ||
      current === null ||
      !(token in current)
    ) {
      throw failed(`doc is missing path: /${tokens.join('/')}`);
    }
    current = current[token];
  }
  return current;
}

function removeAt(doc: any, tokens: string[]): unknown {
  const parent = resolveParent(doc, tokens, 'remove');
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw failed(
        `remove operation does not apply: doc is missing path: /${tokens.join(
          '/',
        )}`,
      );
    }
    return parent.splice(index, 1)[0];
  }
  if (!(last in parent)) {
    throw failed(
      `remove operation does not apply: doc is missing path: /${tokens.join(
        '/',
      )}`,
    );
  }
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(doc: any, tokens: string[], value: unknown): any {
  if (tokens.length === 0) return structuredClone(value);
  const parent = resolveParent(doc, tokens, 'add');
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw failed(
        `add operation does not apply: index out of range: /${tokens.join(
          '/',
        )}`,
      );
    }
    parent.splice(index, 0, structuredClone(value));
  } else {
    parent[last] = structuredClone(value);
  }
  return doc;
}

/**
 * JSON Patch (RFC 6902). A failing operation is a 422, as the API server
 * answers; a malformed patch document is a 400.
 */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw statusErrors.badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  }
  let doc: any = structuredClone(target);
  try {
    for (const raw of operations as JsonPatchOperation[]) {
      const tokens = parsePointer(raw.path);
      switch (raw.op) {
        case 'add':
          doc = addAt(doc, tokens, raw.value);
          break;
        case 'remove':
          removeAt(doc, tokens);
          break;
        case 'replace':
          getAt(doc, tokens);
          if (tokens.length === 0) {
            doc = structuredClone(raw.value);
          } else {
            removeAt(doc, tokens);
            doc = addAt(doc, tokens, raw.value);
          }
          break;
        case 'move': {
          const value = removeAt(doc, parsePointer(raw.from ?? ''));
          doc = addAt(doc, tokens, value);
          break;
        }
        case 'copy':
          doc = addAt(doc, tokens, getAt(doc, parsePointer(raw.from ?? '')));
          break;
        case 'test':
          if (
            JSON.stringify(getAt(doc, tokens)) !== JSON.stringify(raw.value)
          ) {
            throw failed(`testing value /${tokens.join('/')} failed`);
          }
          break;
        default:
          throw statusErrors.badRequest(
            `Unexpected kind: ${String((raw as any)?.op)}`,
          );
      }
    }
  } catch (error) {
    if (!(error instanceof PatchFailure)) throw error;
    throw new StatusError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${error.message}`,
    );
  }
  return doc;
}
