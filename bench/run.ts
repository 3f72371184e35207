import { cpus } from 'node:os';
import { formatFigures } from './report';
import { Section } from './section';
import { asofSection } from './sections/asof.bench';
import { httpSection } from './sections/http.bench';
import { rebuildSection } from './sections/rebuild.bench';
import { storeSection } from './sections/store.bench';

/** In the order they run; a new section is one file in sections/ and one entry here. */
const SECTIONS: readonly Section[] = [storeSection, asofSection, rebuildSection, httpSection];

async function main(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  const selected = names.length === 0 ? SECTIONS : SECTIONS.filter((section) => names.includes(section.name));

  // Figures are only comparable with limits measured on the same machine, so say which machine.
  const cores = cpus();
  console.log(`bench — node ${process.version}, ${process.platform}, ${cores.length} × ${cores[0]?.model ?? 'unknown CPU'}`);
  for (const section of selected) {
    console.log(`\n## ${section.name}\n${section.description}\n`);
    console.log(formatFigures(await section.run()));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
