/** A GitHub Actions step, as it is written into the workflow. */
export type WorkflowStep = Record<string, string | Record<string, string>>;

/** What differs between runtimes: images, build, test and a skeleton that passes its test. */
export interface RuntimeProfile {
  /** Exact versions, so a rebuild never picks up a new base unnoticed. */
  buildImage: string;
  runtimeImage: string;
  dockerfile: (name: string) => string;
  /** Paths of build output and local clutter kept out of the image's build context. */
  dockerignore: string[];
  /** Steps of the CI test job after checkout. */
  githubTestSteps: WorkflowStep[];
  /** Shell command that runs the tests inside `buildImage` on Jenkins. */
  jenkinsTest: string;
  skeleton: (name: string, modulePath: string) => Record<string, string>;
}

// Every runtime image runs as a numeric non-root user: Kubernetes' runAsNonRoot can only verify a
// numeric USER.
export const NON_ROOT_UID = 10001;
