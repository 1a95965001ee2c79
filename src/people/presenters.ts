// The JSON shape of a member record in the API.
import { z } from 'zod';
import type { getMemberRecord } from './members.ts';

export const memberJson = z.object({
  personId: z.number(),
  fullName: z.string(),
  birthDate: z.string().nullable(),
  gender: z.enum(['male', 'female']).nullable(),
  phone: z.string().nullable(),
  phoneKind: z.enum(['smartphone', 'basic', 'none']),
  email: z.string().nullable(),
  cardNumber: z.string().nullable(),
  unitId: z.number(),
  unitName: z.string(),
  temporaryUnitId: z.number().nullable(),
  position: z.string().nullable(),
  standing: z.enum(['official', 'probationary']),
  joinedOn: z.string().nullable(),
  officialOn: z.string().nullable(),
  exempt: z.boolean(),
  status: z.enum(['active', 'temporarily_transferred', 'suspended', 'transferred_out', 'deceased']),
  statusSince: z.string().nullable(),
});

export function presentMember(r: Awaited<ReturnType<typeof getMemberRecord>>): z.infer<typeof memberJson> {
  return {
    personId: r.person.id,
    fullName: r.person.fullName,
    birthDate: r.person.birthDate,
    gender: r.person.gender,
    phone: r.person.phone,
    phoneKind: r.person.phoneKind,
    email: r.person.email,
    cardNumber: r.member.cardNumber,
    unitId: r.member.unitId,
    unitName: r.unitName,
    temporaryUnitId: r.member.temporaryUnitId,
    position: r.member.position,
    standing: r.member.standing,
    joinedOn: r.member.joinedOn,
    officialOn: r.member.officialOn,
    exempt: r.member.exempt,
    status: r.member.status,
    statusSince: r.member.statusSince,
  };
}
