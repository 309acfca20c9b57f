import { LabModel } from 'src/simulator/model/lab-model';
import { XCP_VERSIONS, XcpVersion } from 'src/simulator/model/types';
import { PackageBuild, REPOS, TESTING_REPO, repositoryBuilds } from 'src/simulator/packages/package-catalog';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';

/** What `shakedown lab publish` (or POST /packages on the control API) asks for. */
export interface PublishRequest {
  name: string;
  /** VERSION-RELEASE, as rpm prints it (`24.19.2-1.12.xcpng8.3`); without a dash the release is `1`. */
  version: string;
  /** default xcp-ng-testing */
  repo?: string;
  /** hosts of these releases see it; default: the release named in the build's `xcpngX.Y` tag, else every release */
  releases?: XcpVersion[];
}

interface PublishedBuild extends PackageBuild {
  releases: XcpVersion[];
  /** simulated epoch ms */
  publishedAt: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$/;
const VERSION = /^[A-Za-z0-9_.+~]{1,64}(-[A-Za-z0-9_.+~]{1,64})?$/;

/**
 * Builds pushed into the lab's repositories after it started (a newer xapi in xcp-ng-testing, say),
 * on top of the fixed catalog. The simulated hosts' yum and the lab's HTTP repository both read it,
 * so a publish is seen by the watcher and by `yum update` alike.
 */
export class PublishedBuilds {
  private readonly builds: PublishedBuild[] = [];

  constructor(private readonly model: LabModel) {}

  publish(req: PublishRequest): PublishedBuild {
    if (!NAME.test(req.name)) {
      throw new SimulatorError(
        `package name ${JSON.stringify(req.name)} is not an RPM name`,
        SimulatorErrorCode.BadPackage,
      );
    }
    if (!VERSION.test(req.version)) {
      throw new SimulatorError(
        `version ${JSON.stringify(req.version)} is not VERSION-RELEASE (letters, digits, . _ + ~)`,
        SimulatorErrorCode.BadPackage,
      );
    }
    const repo = req.repo ?? TESTING_REPO;
    if (!REPOS.includes(repo)) {
      throw new SimulatorError(`no repository ${repo} (known: ${REPOS.join(', ')})`, SimulatorErrorCode.BadPackage);
    }
    for (const r of req.releases ?? []) {
      if (!XCP_VERSIONS.includes(r)) {
        throw new SimulatorError(`no release ${r} (known: ${XCP_VERSIONS.join(', ')})`, SimulatorErrorCode.BadPackage);
      }
    }
    const dash = req.version.lastIndexOf('-');
    const version = dash > 0 ? req.version.slice(0, dash) : req.version;
    const release = dash > 0 ? req.version.slice(dash + 1) : '1';
    const tagged = /xcpng(\d+)\.(\d+)/.exec(release);
    const releases =
      req.releases ??
      (tagged ? XCP_VERSIONS.filter((v) => v.startsWith(`${tagged[1]}.${tagged[2]}.`)) : [...XCP_VERSIONS]);
    // A known package keeps what the catalog says of it (its services, its module), as a rebuild would.
    const known = XCP_VERSIONS.flatMap((v) => repositoryBuilds(v)).find((b) => b.name === req.name);
    const build: PublishedBuild = {
      name: req.name,
      version,
      release,
      arch: known?.arch ?? 'x86_64',
      repo,
      summary: known?.summary ?? `${req.name} (published into the simulated lab)`,
      sizeKib: known?.sizeKib ?? 100,
      ...(known?.services ? { services: known.services } : {}),
      ...(known?.module ? { module: known.module } : {}),
      releases,
      publishedAt: this.model.clock.now(),
    };
    const same = this.builds.findIndex(
      (b) => b.name === build.name && b.version === version && b.release === release && b.repo === repo,
    );
    if (same >= 0) this.builds.splice(same, 1);
    this.builds.push(build);
    return build;
  }

  list(): PublishedBuild[] {
    return [...this.builds];
  }

  /** What a host of `version` is offered: the catalog plus what was published for its release. */
  offered(version: XcpVersion): PackageBuild[] {
    return [...repositoryBuilds(version), ...this.builds.filter((b) => b.releases.includes(version))];
  }
}

const labs = new WeakMap<LabModel, PublishedBuilds>();

export function publishedBuilds(model: LabModel): PublishedBuilds {
  let p = labs.get(model);
  if (!p) {
    p = new PublishedBuilds(model);
    labs.set(model, p);
  }
  return p;
}
