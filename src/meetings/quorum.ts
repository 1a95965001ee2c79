// Quy định 24-QĐ/TW (2021), point 9.3: only official members vote on a resolution, and it passes
// when the votes for it exceed half of the cell's official members — not counting members away
// on a temporary transfer, exempt members (miễn sinh hoạt) who are absent, suspended members,
// and members absent with leave. Pure functions: the page shows both numbers, the votes for and
// the half they must exceed.
import type { Attendance, RosterStatus } from './schema.ts';
import type { MemberStanding } from '../people/schema.ts';

export type QuorumMember = {
  standing: MemberStanding;
  exempt: boolean;
  memberStatus: RosterStatus;
  /** Attending temporarily from another cell: speaks, does not vote on resolutions here. */
  guest: boolean;
  /** null: attendance not recorded yet. */
  attendance: Attendance | null;
};

export type Quorum = {
  /** Official members of the cell (its own members, not guests). */
  officialMembers: number;
  /** Official members not counted, by reason (each member under one reason, in this order). */
  notCounted: { suspended: number; temporarilyAway: number; exemptAbsent: number; absentWithLeave: number };
  /** The official members counted: the number whose half the votes for must exceed. */
  base: number;
  /** base / 2 (may end in ,5). */
  half: number;
  /** The fewest votes for that exceed the half: floor(base / 2) + 1. */
  needed: number;
  /** Counted official members present, who may vote. */
  presentVoters: number;
  /** Counted official members whose attendance is not recorded yet (counted as absent without leave). */
  unrecorded: number;
  /** Enough voters are present for a resolution to be able to pass. */
  enough: boolean;
};

type Reason = keyof Quorum['notCounted'];

/** Why an official member of the cell is not counted, or null when counted. */
export function notCountedReason(m: QuorumMember): Reason | null {
  if (m.memberStatus === 'suspended') return 'suspended';
  if (m.memberStatus === 'temporarily_transferred') return 'temporarilyAway';
  if (m.exempt && m.attendance !== 'present') return 'exemptAbsent';
  if (m.attendance === 'absent_excused') return 'absentWithLeave';
  return null;
}

/** May this member vote on a resolution: an official member of the cell, counted, and present. */
export function mayVoteOnResolution(m: QuorumMember): boolean {
  return m.standing === 'official' && !m.guest && notCountedReason(m) === null && m.attendance === 'present';
}

/** May this member give an opinion (a question that is not a resolution): anyone taking part and present. */
export function mayGiveOpinion(m: QuorumMember): boolean {
  if (m.memberStatus === 'suspended') return false;
  if (!m.guest && m.memberStatus === 'temporarily_transferred') return false;
  return m.attendance === 'present';
}

export function quorum(roster: readonly QuorumMember[]): Quorum {
  const notCounted = { suspended: 0, temporarilyAway: 0, exemptAbsent: 0, absentWithLeave: 0 };
  let officialMembers = 0;
  let presentVoters = 0;
  let unrecorded = 0;
  for (const m of roster) {
    if (m.guest || m.standing !== 'official') continue;
    officialMembers++;
    const reason = notCountedReason(m);
    if (reason) {
      notCounted[reason]++;
      continue;
    }
    if (m.attendance === 'present') presentVoters++;
    else if (m.attendance == null) unrecorded++;
  }
  const base = officialMembers - notCounted.suspended - notCounted.temporarilyAway - notCounted.exemptAbsent - notCounted.absentWithLeave;
  const needed = Math.floor(base / 2) + 1;
  return { officialMembers, notCounted, base, half: base / 2, needed, presentVoters, unrecorded, enough: base > 0 && presentVoters >= needed };
}

export type Verdict = { votesFor: number; half: number; base: number; needed: number; passed: boolean };

/** A resolution passes when the votes for exceed half of the counted official members. */
export function verdict(q: Pick<Quorum, 'base' | 'half' | 'needed'>, votesFor: number): Verdict {
  return { votesFor, half: q.half, base: q.base, needed: q.needed, passed: q.base > 0 && votesFor > q.half };
}
