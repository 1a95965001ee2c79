// The meeting room's small script (live numbers over server-sent events), served by the meetings
// feature itself with a content hash in its address so phones cache it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const body = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'static', 'room.js'));
const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 10);

export const ROOM_JS = { body, hash, url: `/meetings/static/room.js?v=${hash}` };
