// « Julie a rejoint — membre nº 12 »: a line in the community's first channel at each member's
// `joined_at`, among the messages by time. Derived from the member list (kept in step by
// `member.joined`), not from the event itself, so it is there after a reload too.
import type { Channel, Member, Message } from '../api';

export type Line = { kind: 'message'; m: Message } | { kind: 'joined'; member: Member };

/** The community's first channel: the oldest one not archived (channels have no position yet). */
export function first_channel_id(channels: Channel[]): number | undefined {
  let best: Channel | undefined;
  for (const c of channels) if (!c.archived && (!best || c.id < best.id)) best = c;
  return best?.id;
}

/**
 * The messages with the join lines that fall among them. `complete` says the oldest message
 * held is the channel's first (no older page): then every join before it shows too; else only
 * those from the oldest held message's time on (the others show when that page is loaded). A
 * join goes before a message of the same instant (people join, then speak).
 */
export function interleave(messages: Message[], members: Member[] | undefined, complete: boolean): Line[] {
  const out: Line[] = [];
  const from = complete || !messages.length ? -Infinity : Date.parse(messages[0].created_at);
  const joins = (members ?? [])
    .map((member) => ({ member, at: Date.parse(member.joined_at) }))
    .filter((j) => Number.isFinite(j.at) && j.at >= from)
    .sort((a, b) => a.at - b.at || a.member.member_number - b.member.member_number);
  let i = 0;
  for (const m of messages) {
    const at = Date.parse(m.created_at);
    while (i < joins.length && joins[i].at <= at) out.push({ kind: 'joined', member: joins[i++].member });
    out.push({ kind: 'message', m });
  }
  while (i < joins.length) out.push({ kind: 'joined', member: joins[i++].member });
  return out;
}
