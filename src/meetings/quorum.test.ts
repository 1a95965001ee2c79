// The quorum rule of Quy định 24-QĐ/TW point 9.3, as a pure function, case by case and over
// thousands of generated rosters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mayGiveOpinion, mayVoteOnResolution, notCountedReason, quorum, verdict, type QuorumMember } from './quorum.ts';
import { prng } from '../core/synthetic/random.ts';

const official = (o: Partial<QuorumMember> = {}): QuorumMember => ({ standing: 'official', exempt: false, memberStatus: 'active', guest: false, attendance: 'present', ...o });
const many = (n: number, o: Partial<QuorumMember> = {}) => Array.from({ length: n }, () => official(o));

describe('who is counted', () => {
  test('ten official members, all present: the half is 5, six votes for are needed', () => {
    const q = quorum(many(10));
    assert.deepEqual([q.officialMembers, q.base, q.half, q.needed, q.presentVoters, q.enough], [10, 10, 5, 6, 10, true]);
    assert.equal(verdict(q, 5).passed, false, 'five is exactly half, not more');
    assert.equal(verdict(q, 6).passed, true);
  });

  test('an odd number: 13 counted, the half is 6.5, seven votes pass', () => {
    const q = quorum(many(13));
    assert.equal(q.half, 6.5);
    assert.equal(q.needed, 7);
    assert.equal(verdict(q, 6).passed, false);
    assert.equal(verdict(q, 7).passed, true);
  });

  test('probationary members are neither counted nor voters, though they give opinions', () => {
    const p = official({ standing: 'probationary' });
    const q = quorum([...many(4), p, p]);
    assert.equal(q.officialMembers, 4);
    assert.equal(q.base, 4);
    assert.equal(mayVoteOnResolution(p), false);
    assert.equal(mayGiveOpinion(p), true);
  });

  test('members away on a temporary transfer are not counted', () => {
    const q = quorum([...many(6), official({ memberStatus: 'temporarily_transferred', attendance: null }), official({ memberStatus: 'temporarily_transferred', attendance: null })]);
    assert.equal(q.officialMembers, 8);
    assert.equal(q.notCounted.temporarilyAway, 2);
    assert.equal(q.base, 6);
    assert.equal(q.needed, 4);
  });

  test('exempt members count only when they come', () => {
    const absent = official({ exempt: true, attendance: 'exempt' });
    const notRecorded = official({ exempt: true, attendance: null });
    const present = official({ exempt: true, attendance: 'present' });
    const q = quorum([...many(5), absent, notRecorded, present]);
    assert.equal(q.notCounted.exemptAbsent, 2);
    assert.equal(q.base, 6);
    assert.equal(q.presentVoters, 6);
    assert.equal(mayVoteOnResolution(present), true, 'an exempt member who comes votes');
    assert.equal(mayVoteOnResolution(absent), false);
  });

  test('suspended members are not counted and do not take part', () => {
    const s = official({ memberStatus: 'suspended', attendance: 'present' });
    const q = quorum([...many(4), s]);
    assert.equal(q.notCounted.suspended, 1);
    assert.equal(q.base, 4);
    assert.equal(mayVoteOnResolution(s), false);
    assert.equal(mayGiveOpinion(s), false);
  });

  test('absent with leave is not counted; absent without leave is', () => {
    const q = quorum([...many(5), official({ attendance: 'absent_excused' }), official({ attendance: 'absent_unexcused' }), official({ attendance: 'absent_unexcused' })]);
    assert.equal(q.notCounted.absentWithLeave, 1);
    assert.equal(q.base, 7, 'five present and two absent without leave');
    assert.equal(q.needed, 4);
    assert.equal(q.presentVoters, 5);
  });

  test('guests attending temporarily from another cell are not counted and do not vote, but give opinions', () => {
    const g = official({ guest: true, memberStatus: 'temporarily_transferred' });
    const q = quorum([...many(3), g]);
    assert.equal(q.officialMembers, 3);
    assert.equal(mayVoteOnResolution(g), false);
    assert.equal(mayGiveOpinion(g), true);
    assert.equal(mayGiveOpinion(official({ memberStatus: 'temporarily_transferred' })), false, 'a member away from their own cell takes no part there');
  });

  test('attendance not recorded yet counts as absent without leave, and is reported', () => {
    const q = quorum([...many(3), ...many(4, { attendance: null })]);
    assert.equal(q.base, 7);
    assert.equal(q.unrecorded, 4);
    assert.equal(q.presentVoters, 3);
    assert.equal(q.enough, false, 'three present cannot exceed half of seven');
  });

  test('a member with several reasons is counted once, under the first', () => {
    const m = official({ memberStatus: 'suspended', exempt: true, attendance: 'absent_excused' });
    assert.equal(notCountedReason(m), 'suspended');
    const q = quorum([m, ...many(2)]);
    assert.deepEqual(q.notCounted, { suspended: 1, temporarilyAway: 0, exemptAbsent: 0, absentWithLeave: 0 });
  });

  test('nobody counted: nothing can pass', () => {
    const q = quorum([official({ attendance: 'absent_excused' })]);
    assert.equal(q.base, 0);
    assert.equal(q.enough, false);
    assert.equal(verdict(q, 0).passed, false);
  });

  test('the worked example: 15 official, 1 away, 2 exempt absent, 1 suspended, 2 with leave, 1 without, 8 present', () => {
    const roster = [
      ...many(8),
      official({ memberStatus: 'temporarily_transferred', attendance: null }),
      ...many(2, { exempt: true, attendance: 'exempt' }),
      official({ memberStatus: 'suspended', attendance: null }),
      ...many(2, { attendance: 'absent_excused' }),
      official({ attendance: 'absent_unexcused' }),
      ...many(3, { standing: 'probationary' }),
    ];
    const q = quorum(roster);
    assert.equal(q.officialMembers, 15);
    assert.equal(q.base, 9, '15 − 1 − 2 − 1 − 2');
    assert.equal(q.half, 4.5);
    assert.equal(q.presentVoters, 8);
    assert.equal(verdict(q, 4).passed, false);
    assert.equal(verdict(q, 5).passed, true);
  });
});

test('over 5,000 generated rosters: the rule holds for every vote count', () => {
  const r = prng(93);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < 5000; i++) {
    const roster: QuorumMember[] = Array.from({ length: Math.floor(r() * 40) }, () => ({
      standing: pick(['official', 'official', 'official', 'probationary'] as const),
      exempt: r() < 0.15,
      memberStatus: pick(['active', 'active', 'active', 'active', 'temporarily_transferred', 'suspended'] as const),
      guest: r() < 0.05,
      attendance: pick(['present', 'present', 'present', 'absent_excused', 'absent_unexcused', 'exempt', null] as const),
    }));
    const q = quorum(roster);
    const own = roster.filter((m) => !m.guest && m.standing === 'official');
    const excluded = own.filter((m) => m.memberStatus !== 'active' || (m.exempt && m.attendance !== 'present') || m.attendance === 'absent_excused').length;
    assert.equal(q.base, own.length - excluded);
    assert.equal(q.presentVoters, roster.filter(mayVoteOnResolution).length);
    assert.ok(q.needed > q.half && q.needed - 1 <= q.half, 'needed is the smallest whole number above the half');
    for (let votes = 0; votes <= q.presentVoters; votes++) {
      assert.equal(verdict(q, votes).passed, q.base > 0 && votes * 2 > q.base);
      assert.equal(verdict(q, votes).passed, q.base > 0 && votes >= q.needed);
    }
    assert.equal(q.enough, q.base > 0 && q.presentVoters * 2 > q.base);
  }
});
