/** Path of the event reporter in the new repository, shared by both CI systems. */
export const EVENT_SCRIPT_PATH = 'ci/shiplog-event.sh';

/**
 * Posts one release event to Shiplog's ingest API. Both CI systems call it, so the event's shape is
 * defined once and the tests run this very script. jq builds the JSON (no quoting by hand); the event
 * id is `$EVENT_ID_PREFIX-<type>-<status>`, identical when a post is retried (Shiplog answers it as a
 * duplicate) and new for each run or attempt. A reporting problem never fails the pipeline.
 */
export const EVENT_SCRIPT = `#!/usr/bin/env bash
# Reports a release event to Shiplog:  ${EVENT_SCRIPT_PATH} <build|publish|release|deploy> <started|succeeded|failed|cancelled>
#
# Environment: SHIPLOG_URL, SHIPLOG_TOKEN, SHIPLOG_ENTITY, EVENT_ID_PREFIX (unique per run and attempt),
# VERSION, COMMIT_SHA, RUN_URL, ACTOR, SOURCE; for publish events IMAGE_REPOSITORY and IMAGE_DIGEST
# (sha256:...); for deploy events ENVIRONMENT; optionally COMMITS_JSON, the commits of a GitHub push event.
set -o pipefail

type="$1"
status="$2"
if [ -z "\${SHIPLOG_URL:-}" ] || [ -z "\${SHIPLOG_TOKEN:-}" ]; then
  echo "shiplog: SHIPLOG_URL or SHIPLOG_TOKEN is not set; $type $status not reported" >&2
  exit 0
fi

if ! event="$(jq -n -c \\
  --arg id "\${EVENT_ID_PREFIX:-}-$type-$status" \\
  --arg entityRef "\${SHIPLOG_ENTITY:-}" \\
  --arg type "$type" \\
  --arg status "$status" \\
  --arg version "\${VERSION:-}" \\
  --arg commitSha "\${COMMIT_SHA:-}" \\
  --arg runUrl "\${RUN_URL:-}" \\
  --arg actor "\${ACTOR:-}" \\
  --arg source "\${SOURCE:-}" \\
  --arg occurredAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
  --arg environment "\${ENVIRONMENT:-}" \\
  --arg imageRepository "\${IMAGE_REPOSITORY:-}" \\
  --arg imageDigest "\${IMAGE_DIGEST:-}" \\
  --argjson commits "\${COMMITS_JSON:-null}" \\
  '
  def present: with_entries(select(.value != "" and .value != null));
  {
    id: ($id | gsub("[^!-~]"; "-") | .[0:200]),
    entityRef: $entityRef, type: $type, status: $status, version: $version,
    commitSha: $commitSha, runUrl: $runUrl, actor: $actor, source: $source, occurredAt: $occurredAt,
    environment: (if $type == "deploy" then $environment else "" end)
  }
  | present
  | if $type == "publish"
    then .image = ({repository: $imageRepository, tag: $version, digest: $imageDigest} | present)
    else . end
  | if ($commits | type) == "array" and ($commits | length) > 0
    then .commits = [$commits[0:1000][]
      | {sha: .id, message: (.message // "" | .[0:10000]), author: (.author.username // .author.name)}
      | present]
    else . end
  ')"; then
  echo "shiplog: could not build the $type $status event (is jq installed?)" >&2
  exit 0
fi

curl -fsS --retry 5 --retry-all-errors --max-time 30 \\
  -X POST "\${SHIPLOG_URL%/}/api/shiplog/v1/events" \\
  -H "Authorization: Bearer \${SHIPLOG_TOKEN}" \\
  -H 'Content-Type: application/json' \\
  --data-binary "$event" \\
  || echo "shiplog: the $type $status event could not be posted; the pipeline goes on" >&2
exit 0
`;

/** Path of the release cutter in the new repository, shared by both CI systems. */
export const RELEASE_SCRIPT_PATH = 'ci/shiplog-release.sh';

/**
 * Cuts the release of one merge. The version comes from Shiplog's `next-version` (the ledger's
 * commits since the last release and their pull requests' labels), never from a person, so a jump
 * the commits do not justify cannot be made. Idempotent: when the tag already names this commit
 * (a re-run), nothing new is cut; a tag naming another commit stops the pipeline.
 */
export const RELEASE_SCRIPT = `#!/usr/bin/env bash
# Cuts the release of a merge:  ${RELEASE_SCRIPT_PATH}
#
# Asks Shiplog for the next version of COMMIT_SHA, creates the annotated tag v<version> on it and the
# GitHub release with Shiplog's notes, and writes version=, tag=, bump=, released= to RELEASE_OUTPUT
# (default GITHUB_OUTPUT). version is empty when the merge releases nothing (only chores, docs...).
#
# Environment: SHIPLOG_URL, SHIPLOG_TOKEN, SHIPLOG_ENTITY (kind:namespace/name), COMMIT_SHA; for the
# GitHub release GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo) and GITHUB_API_URL; GIT_PUSH_TOKEN when
# the checkout has no push credentials (Jenkins). The tag is pushed to the remote "origin".
set -euo pipefail

fail() { echo "shiplog-release: $*" >&2; exit 1; }
output() { printf '%s=%s\\n' "$1" "$2" >> "\${RELEASE_OUTPUT:-\${GITHUB_OUTPUT:-/dev/stdout}}"; }
push() {
  if [ -n "\${GIT_PUSH_TOKEN:-}" ]; then
    git -c credential.helper= -c "credential.helper=!f() { echo username=x-access-token; echo \\"password=\\$GIT_PUSH_TOKEN\\"; }; f" push "$@"
  else
    git push "$@"
  fi
}
tag_commit() { git rev-parse --quiet --verify "refs/tags/$1^{commit}" || true; }

if [ -z "\${SHIPLOG_URL:-}" ] || [ -z "\${SHIPLOG_TOKEN:-}" ]; then
  fail "SHIPLOG_URL and SHIPLOG_TOKEN are needed: versions come from Shiplog, never by hand"
fi
entity="\${SHIPLOG_ENTITY:?SHIPLOG_ENTITY is not set}"
kind="\${entity%%:*}"; rest="\${entity#*:}"
commit="$(git rev-parse --verify "\${COMMIT_SHA:?COMMIT_SHA is not set}^{commit}")"

answer="$(curl -fsS --retry 5 --retry-all-errors --max-time 30 \\
  -H "Authorization: Bearer $SHIPLOG_TOKEN" \\
  "\${SHIPLOG_URL%/}/api/shiplog/v1/entities/$kind/\${rest%%/*}/\${rest#*/}/next-version?commitSha=$commit")" \\
  || fail "Shiplog did not answer the next version of $commit"
version="$(jq -r '.version' <<<"$answer")"
bump="$(jq -r '.bump' <<<"$answer")"
notes="$(jq -r '.notes' <<<"$answer")"
if ! [[ "$version" =~ ^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  fail "Shiplog answered no semantic version: $version"
fi
tag="v$version"
git fetch --quiet --force origin "+refs/tags/*:refs/tags/*"
existing="$(tag_commit "$tag")"

if [ "$existing" = "$commit" ]; then
  echo "shiplog-release: $commit is already released as $tag; nothing new is cut"
  released=false
elif [ "$bump" = none ]; then
  echo "shiplog-release: nothing since the last release asks for a new version"
  output version ''
  output tag ''
  output bump none
  output released false
  exit 0
elif [ -n "$existing" ]; then
  fail "$tag already names $existing, not $commit; a version is never moved"
else
  git -c user.name="\${GIT_COMMITTER_NAME:-Shiplog release}" -c user.email="\${GIT_COMMITTER_EMAIL:-shiplog@localhost}" \\
    tag -a --cleanup=verbatim "$tag" "$commit" -m "$notes"
  if ! push --quiet origin "refs/tags/$tag"; then
    # Another run of the same merge may have pushed it first; anything else is an error.
    git fetch --quiet --force origin "+refs/tags/$tag:refs/tags/$tag" || true
    [ "$(tag_commit "$tag")" = "$commit" ] || fail "could not push $tag"
  fi
  echo "shiplog-release: tagged $commit as $tag ($bump)"
  released=true
fi

if [ -n "\${GITHUB_TOKEN:-}" ] && [ -n "\${GITHUB_REPOSITORY:-}" ]; then
  api="\${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY/releases"
  status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $GITHUB_TOKEN" "$api/tags/$tag")"
  if [ "$status" = 404 ]; then
    # Also completes a cut whose earlier run stopped between the tag and the release.
    jq -n --arg tag "$tag" --arg notes "$notes" '{tag_name: $tag, name: $tag, body: $notes}' \\
      | curl -fsS --retry 3 --max-time 30 -X POST -H "Authorization: Bearer $GITHUB_TOKEN" \\
          -H 'Accept: application/vnd.github+json' --data-binary @- "$api" > /dev/null \\
      || fail "could not create the GitHub release $tag"
    echo "shiplog-release: GitHub release $tag created"
  elif [ "$status" != 200 ]; then
    fail "GitHub answered $status for the release $tag"
  fi
fi

output version "$version"
output tag "$tag"
output bump "$bump"
output released "$released"
`;

/** Path of the reader of the merged pull request's labels. */
export const LABELS_SCRIPT_PATH = 'ci/merged-pr-labels.sh';

/**
 * Prints the labels of the pull request that merged COMMIT_SHA, one a line, read through GitHub's
 * API. It fails when the API cannot be read, so a deploy that a reviewer stopped with a
 * `no-deploy-to-<env>` label never goes ahead by accident.
 */
export const LABELS_SCRIPT = `#!/usr/bin/env bash
# Labels of the pull request that merged a commit:  ${LABELS_SCRIPT_PATH}
# Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), COMMIT_SHA, GITHUB_API_URL.
set -euo pipefail
curl -fsS --retry 3 --max-time 30 \\
  -H "Authorization: Bearer \${GITHUB_TOKEN:?GITHUB_TOKEN is not set}" \\
  -H 'Accept: application/vnd.github+json' \\
  "\${GITHUB_API_URL:-https://api.github.com}/repos/\${GITHUB_REPOSITORY:?}/commits/\${COMMIT_SHA:?}/pulls" \\
  | jq -r '[.[] | select(.merged_at != null)][0].labels // [] | .[].name'
`;
