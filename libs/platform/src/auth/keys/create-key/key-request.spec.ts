import { RequestRejectedError } from '../../../problem';
import { keyRequest } from './key-request';

function fieldsRejected(body: { role?: unknown; name?: unknown } | undefined): string[] {
  try {
    keyRequest(body);
  } catch (error) {
    if (error instanceof RequestRejectedError && error.status === 400) return error.errors.map((e) => e.field);
    throw error;
  }
  throw new Error('was not rejected');
}

describe('a key request', () => {
  it('names the key after its role unless it is given a name', () => {
    expect(keyRequest({ role: 'auditor' })).toEqual({ role: 'auditor', name: 'auditor key' });
    expect(keyRequest({ role: 'ingest', name: 'shop' })).toEqual({ role: 'ingest', name: 'shop' });
  });

  it('names every bad field: a role that is none of ours, a name that is not a short text', () => {
    expect(fieldsRejected(undefined)).toEqual(['role']);
    expect(fieldsRejected({ role: 'root', name: 'x'.repeat(201) })).toEqual(['role', 'name']);
    expect(fieldsRejected({ role: 'admin', name: 42 })).toEqual(['name']);
  });
});
