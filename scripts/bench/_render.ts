import { readFileSync } from 'node:fs';
import { formatReport } from './report';
process.stdout.write(formatReport(JSON.parse(readFileSync(process.argv[2]!, 'utf8'))));
