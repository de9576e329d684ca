// The EtlError a synchronous call throws (any other error is rethrown; no error fails the test).
import { EtlError } from '../../src/errors.ts';

export function thrownEtlError(fn: () => unknown): EtlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EtlError) return e;
    throw e;
  }
  throw new Error('expected an EtlError');
}
