/** Where the installer takes the new release's packages from. */
type InstallSource = { type: 'local' } | { type: 'url'; url: string } | { type: 'nfs'; path: string };

interface UpgradeAnswerFileOptions {
  /** the disk holding the installed system, as the installer sees it (xvda in a VM, sda on hardware) */
  existingInstallation: string;
  source: InstallSource;
  /** run by the installer once the upgraded system is in place (stage installation-complete) */
  postInstallScriptUrl?: string;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/**
 * The answer file XCP-ng's installer (host-installer) reads for an unattended upgrade:
 * `<installation mode="upgrade">` naming the existing installation and the package source. The
 * installer keeps the host's identity, configuration and VMs; a backup of the old system goes to
 * the backup partition, as an interactive upgrade does.
 */
export function upgradeAnswerFile(opts: UpgradeAnswerFileOptions): string {
  if (!/^[a-z0-9/]+$/.test(opts.existingInstallation)) {
    throw new Error(`answer file: existing installation "${opts.existingInstallation}" is not a disk name`);
  }
  const lines = ['<?xml version="1.0"?>', '<installation mode="upgrade">'];
  lines.push(`  <existing-installation>${escapeXml(opts.existingInstallation)}</existing-installation>`);
  if (opts.source.type === 'local') lines.push('  <source type="local"/>');
  else if (opts.source.type === 'url') lines.push(`  <source type="url">${escapeXml(opts.source.url)}</source>`);
  else lines.push(`  <source type="nfs">${escapeXml(opts.source.path)}</source>`);
  if (opts.postInstallScriptUrl) {
    lines.push(`  <script stage="installation-complete" type="url">${escapeXml(opts.postInstallScriptUrl)}</script>`);
  }
  lines.push('</installation>', '');
  return lines.join('\n');
}
