import * as fs from 'fs';
import { readAnnex } from './annex.reader';
const r = readAnnex(fs.readFileSync('/work/main/examples/korosten-self-government-2024-2026.txt', 'utf8'));
console.log(JSON.stringify(r, null, 1));
