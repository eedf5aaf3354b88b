/**
 * Names of the DynamoDB indexes that the tables construct (lib/tables.ts) creates and the
 * repositories query. Table names are physical names CloudFormation generates; they reach
 * the functions through the environment (contract/env.ts).
 */

/** GSI of Connections: PK `streamId`, SK `connectionId`, INCLUDE userId, displayName, role. */
export const BY_STREAM_INDEX = 'byStream';
/** GSI of Streams: PK `status`, SK `streamId`, projection ALL. */
export const BY_STATUS_INDEX = 'byStatus';
