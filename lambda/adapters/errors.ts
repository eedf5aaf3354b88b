/** The named errors of the ports (ports/errors.ts), where the adapters have always exported them. */
export * from '../ports/errors';
