// Every labelled field of every seed document (fixtures/seed-labels.json, hand-labelled) must
// come out of the parser exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocuments } from './index.ts';

interface SeedLabel {
  documents: Array<Record<string, unknown>>;
}

const labels = JSON.parse(
  readFileSync(new URL('./fixtures/seed-labels.json', import.meta.url), 'utf8'),
) as Record<string, SeedLabel>;
const seedDir = new URL('../../../demo/seeds/', import.meta.url);

for (const [file, label] of Object.entries(labels)) {
  test(`seed ${file}: every labelled field matches`, () => {
    const text = readFileSync(new URL(file, seedDir), 'utf8');
    const docs = parseDocuments(text) as unknown as Array<Record<string, unknown>>;
    assert.equal(docs.length, label.documents.length, 'number of documents');
    label.documents.forEach((expected, i) => {
      for (const [field, value] of Object.entries(expected)) {
        assert.deepEqual(docs[i]?.[field], value, `document ${i + 1} (${String(expected.number)}), field ${field}`);
      }
    });
  });
}

test('seeds: parsing is stable when the text arrives decomposed (NFD) or with CRLF line ends', () => {
  for (const file of Object.keys(labels)) {
    const text = readFileSync(new URL(file, seedDir), 'utf8');
    const plain = parseDocuments(text);
    assert.deepEqual(parseDocuments(text.normalize('NFD')), plain, file);
    assert.deepEqual(parseDocuments(text.replace(/\n/g, '\r\n')), plain, file);
  }
});
