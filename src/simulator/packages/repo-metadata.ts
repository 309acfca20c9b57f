import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PackageBuild } from 'src/simulator/packages/package-catalog';

interface RepoMetadata {
  repomd: string;
  /** file name under repodata/, content-addressed as createrepo names it */
  primaryName: string;
  primaryGz: Buffer;
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A yum repository's metadata as createrepo writes it, for the builds given: `primary.xml.gz` (one
 * `<package>` per build: name, arch, epoch/version/release, summary, size, location) and the
 * `repomd.xml` that points to it with its checksums and a revision that changes with the content.
 */
export function repoMetadata(builds: PackageBuild[], revision: number): RepoMetadata {
  const packages = [...builds].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const body = packages
    .map((b) => {
      const nevra = `${b.name}-${b.version}-${b.release}.${b.arch}`;
      return `<package type="rpm">
  <name>${xml(b.name)}</name>
  <arch>${b.arch}</arch>
  <version epoch="0" ver="${xml(b.version)}" rel="${xml(b.release)}"/>
  <checksum type="sha256" pkgid="YES">${createHash('sha256').update(nevra).digest('hex')}</checksum>
  <summary>${xml(b.summary)} (simulated)</summary>
  <size package="${b.sizeKib * 1024}" installed="${b.sizeKib * 1024 * 3}" archive="${b.sizeKib * 1024 * 3}"/>
  <location href="Packages/${xml(nevra)}.rpm"/>
</package>`;
    })
    .join('\n');
  const primary = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${packages.length}">
${body}
</metadata>
`;
  const primaryGz = gzipSync(Buffer.from(primary));
  const gzSum = createHash('sha256').update(primaryGz).digest('hex');
  const openSum = createHash('sha256').update(primary).digest('hex');
  const primaryName = `${gzSum}-primary.xml.gz`;
  const repomd = `<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>${revision}</revision>
  <data type="primary">
    <checksum type="sha256">${gzSum}</checksum>
    <open-checksum type="sha256">${openSum}</open-checksum>
    <location href="repodata/${primaryName}"/>
    <timestamp>${revision}</timestamp>
    <size>${primaryGz.length}</size>
    <open-size>${Buffer.byteLength(primary)}</open-size>
  </data>
</repomd>
`;
  return { repomd, primaryName, primaryGz };
}
