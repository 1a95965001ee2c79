// The one schema: every feature's tables, gathered for Drizzle and drizzle-kit.
export * from '../../org/schema.ts';
export * from '../../people/schema.ts';
export * from '../auth/schema.ts';
export * from '../audit/schema.ts';
export * from '../jobs/schema.ts';
export * from '../http/schema.ts';
export * from '../../documents/schema.ts';
export * from '../../distribution/schema.ts';
export * from '../../tasks/schema.ts';
export * from '../../reports/schema.ts';
export * from '../notify/schema.ts';
export * from '../../meetings/schema.ts';
export * from '../../feedback/schema.ts';
