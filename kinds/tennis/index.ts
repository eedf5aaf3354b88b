/**
 * Tennis, point by point: the frames convert/tennis.ts makes from the Grand Slam
 * point-by-point CSVs (Jeff Sackmann / Tennis Abstract, tennis_slam_pointbypoint), folded
 * into the scoreboard and the running statistics a viewer sees.
 *
 * Frame: `type: 'point'`, one per point, with the scoreboard AFTER the point (see
 * {@link tennisPointSchema}). State ({@link TennisState}): every set's games, the current
 * game's points as shown, tie-break, server, sets won, and per-player statistics derived
 * only from fields whose source column the data set documents (convert/tennis.ts header).
 *
 * First serve: the data set's dictionary (tennis_slam_pointbypoint `data_dictionary.txt`)
 * says `ServeIndicator` 1 = first serve, 2 = second serve, and the converter passes it on as
 * `serveNumber`. In every sample file the column is something else: it equals the server of
 * the NEXT point (287 of 288 points of the 2012 Wimbledon final, 368/369, 122/123, 101/102 in
 * the others; the exception is each match's last point). Counting it as the serve number
 * gives the server of most of a player's own points "first serve in" — 84 % for Federer and
 * 13 % for Murray in the 2012 Wimbledon final, where Wimbledon's published figures are 69 %
 * and 56 %. So `firstServeIn` stays null: no documented column of these files gives it.
 */
import type { GameKind } from '../kind';
import { tennisFold, type TennisState } from './fold';
import { tennisPointSchema } from './schema';

export * from './fold';
export * from './schema';

/** The tennis kind: its fold (kinds/tennis/fold.ts) and its frame schema (kinds/tennis/schema.ts). */
export const tennis: GameKind<TennisState> = { ...tennisFold, frameSchema: tennisPointSchema };
