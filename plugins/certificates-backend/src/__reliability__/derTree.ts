/*
 * A small DER tree for the reliability suites, written apart from the
 * encoder and reader under test (pki/der.ts) so that a mutated input is not
 * built with the code that reads it.
 */

export interface DerNode {
  tag: number;
  /** Constructed: the children; primitive: undefined. */
  children?: DerNode[];
  /** Primitive content (for constructed nodes: the original content). */
  content: Buffer;
  /** Offset of the node's first byte in the buffer it was read from. */
  offset: number;
  /** Header length (tag and length bytes) as read. */
  headerLength: number;
}

function readHeader(
  buffer: Buffer,
  offset: number,
): { length: number; headerLength: number } {
  const first = buffer[offset + 1];
  if (first === undefined) throw new Error('truncated');
  if (!(first & 0x80)) return { length: first, headerLength: 2 };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported length');
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = buffer[offset + 2 + i];
    if (byte === undefined) throw new Error('truncated');
    length = length * 256 + byte;
  }
  return { length, headerLength: 2 + count };
}

/** Reads one element and, for constructed tags, everything inside it. */
export function parseTree(buffer: Buffer, offset = 0): DerNode {
  const tag = buffer[offset];
  const { length, headerLength } = readHeader(buffer, offset);
  const start = offset + headerLength;
  if (start + length > buffer.length) throw new Error('truncated');
  const content = buffer.subarray(start, start + length);
  const node: DerNode = { tag, content, offset, headerLength };
  if (tag & 0x20) {
    node.children = [];
    let at = start;
    while (at < start + length) {
      const child = parseTree(buffer, at);
      node.children.push(child);
      at = child.offset + child.headerLength + child.content.length;
    }
  }
  return node;
}

function lengthBytes(length: number, nonMinimal: boolean): Buffer {
  if (length < 0x80 && !nonMinimal) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (nonMinimal) bytes.unshift(0);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * Encodes a tree again with minimal lengths, except for the nodes in
 * `nonMinimal`, whose length gets one needless leading zero byte.
 */
export function encodeTree(
  node: DerNode,
  nonMinimal: ReadonlySet<DerNode> = new Set(),
): Buffer {
  const body = node.children
    ? Buffer.concat(node.children.map(c => encodeTree(c, nonMinimal)))
    : node.content;
  return Buffer.concat([
    Buffer.from([node.tag]),
    lengthBytes(body.length, nonMinimal.has(node)),
    body,
  ]);
}

/** Every node of a tree, depth first. */
export function allNodes(node: DerNode): DerNode[] {
  return [node, ...(node.children ?? []).flatMap(allNodes)];
}
