# Sourced by the scripts (install-deps.sh, run.sh, test.sh, with-node.sh): chooses the Node.js
# that builds and tests the web app and puts it first on PATH, so that every npm, node and npm
# script (vite, tsc, rolldown, playwright, the OpenAPI validator) runs on it.
#
# The required range is stated once, in web/package.json's "engines.node": the range that every
# npm package of the lock file accepts (today @apidevtools/swagger-parser's is the narrowest).
# web/.npmrc sets engine-strict, so npm refuses a Node outside it rather than warning. Debian
# 12's own Node is 18.20, too old: then the scripts bring the npm registry's `node` package (a
# linux-x64 Node binary that Debian's npm installs) into .tools/node, once.
#
# PETITESALLE_SYSTEM_NODE_VERSION=v18.20.4 makes the check take the system's Node for that
# version (to try the "too old" path on a machine whose Node is new enough).

# The Node that the scripts install when the system's does not satisfy the range; it must
# satisfy it too (checked below).
ps_local_node_version=22.23.3

ps_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ps_local_node_dir="$ps_root/.tools/node"
ps_local_node_bin="$ps_local_node_dir/node_modules/node/bin"

# ps_version_cmp A B: prints -1, 0 or 1 as version A is older than, the same as or newer than B.
# Versions are MAJOR[.MINOR[.PATCH]] with an optional leading "v"; missing parts count as 0.
ps_version_cmp() {
  local -a a b
  IFS=. read -r -a a <<<"${1#v}"
  IFS=. read -r -a b <<<"${2#v}"
  local i
  for i in 0 1 2; do
    local x=${a[i]:-0} y=${b[i]:-0}
    x=${x%%[!0-9]*} y=${y%%[!0-9]*}
    if ((10#${x:-0} < 10#${y:-0})); then echo -1; return; fi
    if ((10#${x:-0} > 10#${y:-0})); then echo 1; return; fi
  done
  echo 0
}

# ps_version_satisfies VERSION RANGE: whether VERSION is in RANGE, a semver range made of
# alternatives joined by "||", each a list of comparators (>=, >, <=, <, =, ^, ~ or a bare
# version, full or partial). That is all engines fields use in practice; anything else (x
# ranges, hyphen ranges, prereleases) is refused loudly.
ps_version_satisfies() {
  local version=${1#v} range=$2 alternative comparator
  local -a alternatives
  # Split on "||" (bash's read splits on single characters, hence the substitution).
  IFS='|' read -r -a alternatives <<<"${range//||/|}"
  for alternative in "${alternatives[@]}"; do
    local ok=1
    for comparator in $alternative; do
      local op=${comparator%%[0-9]*} v=${comparator#"${comparator%%[0-9]*}"}
      if [[ ! $v =~ ^[0-9]+(\.[0-9]+){0,2}$ ]]; then
        echo "scripts/node.sh: unsupported version range '$range' (comparator '$comparator')" >&2
        return 2
      fi
      local c major minor
      c=$(ps_version_cmp "$version" "$v")
      IFS=. read -r major minor _ <<<"$v"
      case $op in
        '>=') ((c >= 0)) || ok=0 ;;
        '>') ((c > 0)) || ok=0 ;;
        '<=') ((c <= 0)) || ok=0 ;;
        '<') ((c < 0)) || ok=0 ;;
        '' | '=' | 'v') # a partial version is a range: 22 is 22.x.x, 22.12 is 22.12.x
          case $v in
            *.*.*) ((c == 0)) || ok=0 ;;
            *.*) ((c >= 0)) && [ "$(ps_version_cmp "$version" "$major.$((minor + 1))")" = -1 ] || ok=0 ;;
            *) ((c >= 0)) && [ "$(ps_version_cmp "$version" "$((major + 1))")" = -1 ] || ok=0 ;;
          esac ;;
        '^') # same major (same minor below 1.0), not older
          ((c >= 0)) || ok=0
          if ((major > 0)); then
            [ "$(ps_version_cmp "$version" "$((major + 1))")" = -1 ] || ok=0
          else
            [ "$(ps_version_cmp "$version" "0.$((${minor:-0} + 1))")" = -1 ] || ok=0
          fi ;;
        '~') # same major.minor, not older
          ((c >= 0)) || ok=0
          [ "$(ps_version_cmp "$version" "$major.$((${minor:-0} + 1))")" = -1 ] || ok=0 ;;
        *)
          echo "scripts/node.sh: unsupported version range '$range' (comparator '$comparator')" >&2
          return 2 ;;
      esac
    done
    if ((ok)); then return 0; fi
  done
  return 1
}

# The range from web/package.json ("engines": { "node": "..." }), as npm formats it.
ps_required_node_range() {
  local range
  range=$(sed -n '/"engines"/,/}/s/^ *"node": *"\([^"]*\)".*/\1/p' "$ps_root/web/package.json")
  if [ -z "$range" ]; then
    echo "scripts/node.sh: web/package.json has no engines.node" >&2
    return 1
  fi
  echo "$range"
}

# use_node [--quiet] [--no-install]: puts a Node.js that satisfies web/package.json's
# engines.node first on PATH: the system's when it does, else .tools/node (installed with the
# system's npm when absent or at another version, unless --no-install). Says which and why,
# unless --quiet; fails with what to do when neither works.
use_node() {
  local quiet=0 install=1 arg
  for arg in "$@"; do
    case $arg in
      --quiet) quiet=1 ;;
      --no-install) install=0 ;;
      *) echo "use_node: unknown option $arg" >&2; return 2 ;;
    esac
  done
  local range
  range=$(ps_required_node_range) || return 1
  local required="  required: $range (web/package.json's engines.node: what every npm package of the web app accepts; Vite 8's rolldown, Playwright, axe and the OpenAPI validator set it)"

  # The system's Node: the first on PATH once the project-local one is left out.
  local system_path system_node system_version="" system
  system_path=$(tr ':' '\n' <<<"$PATH" | { grep -vxF "$ps_local_node_bin" || true; } | paste -sd: -)
  system_node=$(PATH=$system_path command -v node || true)
  if [ -n "$system_node" ]; then
    system_version=${PETITESALLE_SYSTEM_NODE_VERSION:-$("$system_node" --version)}
    if ps_version_satisfies "$system_version" "$range"; then
      export PATH=$system_path
      ((quiet)) || printf 'Node.js: using the system'\''s, %s %s\n%s\n' "$system_node" "$system_version" "$required"
      return 0
    fi
    system="  the system's $system_node $system_version does not satisfy it"
  else
    system="  the system has no Node.js"
  fi

  if ! ps_version_satisfies "$ps_local_node_version" "$range"; then
    printf 'Node.js: scripts/node.sh would bring %s, which does not satisfy the range either\n%s\n  to do: set ps_local_node_version in scripts/node.sh to a version that does\n' \
      "$ps_local_node_version" "$required" >&2
    return 1
  fi
  local have=""
  [ -x "$ps_local_node_bin/node" ] && have=$("$ps_local_node_bin/node" --version 2>/dev/null || true)
  if [ "$have" != "v$ps_local_node_version" ]; then
    if ((!install)); then
      printf 'Node.js: none to use\n%s\n%s, and .tools/node holds %s instead of v%s\n  to do: run scripts/install-deps.sh (it installs that one), or put a Node.js that satisfies %s first on PATH\n' \
        "$required" "$system" "${have:-nothing}" "$ps_local_node_version" "$range" >&2
      return 1
    fi
    if ! PATH=$system_path command -v npm >/dev/null; then
      printf 'Node.js: none to use\n%s\n%s, and there is no npm to install Node %s with\n  to do: apt-get install nodejs npm (as root), or put a Node.js that satisfies %s first on PATH\n' \
        "$required" "$system" "$ps_local_node_version" "$range" >&2
      return 1
    fi
    printf 'Node.js: installing v%s into .tools/node (the npm registry'\''s `node` package, with the system'\''s npm)\n%s\n%s\n' \
      "$ps_local_node_version" "$required" "$system"
    # A half-finished install from an interrupted run would pass for nothing: start clean.
    rm -rf "$ps_local_node_dir"
    mkdir -p "$ps_local_node_dir"
    if ! (cd "$ps_local_node_dir" && PATH=$system_path npm install --prefix "$ps_local_node_dir" \
      --no-audit --no-fund --save-exact "node@$ps_local_node_version"); then
      printf 'Node.js: installing node@%s into .tools/node failed\n  to do: check that the npm registry is reachable, or put a Node.js that satisfies %s first on PATH\n' \
        "$ps_local_node_version" "$range" >&2
      return 1
    fi
    have=$("$ps_local_node_bin/node" --version)
    if [ "$have" != "v$ps_local_node_version" ]; then
      echo "Node.js: .tools/node holds $have after installing v$ps_local_node_version" >&2
      return 1
    fi
  fi
  export PATH="$ps_local_node_bin:$system_path"
  ((quiet)) || printf 'Node.js: using the project'\''s own, .tools/node %s\n%s\n%s\n  to use another: put a Node.js that satisfies %s first on PATH\n' \
    "$have" "$required" "$system" "$range"
}
