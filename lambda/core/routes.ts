/**
 * Which Lambda serves each WebSocket route (API Gateway route key = the message's `action`,
 * docs/ARCHITECTURE.md). The CDK construct creates one route per entry; unknown actions fall to
 * `$default`, which the control handler answers with `unknown_action`.
 */
import type { ClientAction } from '../../protocol/messages';

/** The handler a route key is integrated with. */
export type RouteTarget = 'control' | 'social';

export const ROUTE_TARGETS: Readonly<Record<ClientAction, RouteTarget>> = {
  start: 'control',
  join: 'control',
  rejoin: 'control',
  pause: 'control',
  resume: 'control',
  speed: 'control',
  seek: 'control',
  scrub: 'control',
  stop: 'control',
  list: 'control',
  ping: 'control',
  input: 'social',
  chat: 'social',
  react: 'social',
};
