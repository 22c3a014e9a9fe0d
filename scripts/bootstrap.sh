#!/usr/bin/env bash
# Prepare a machine to run casepath's tests: system packages (PostgreSQL for the database tests,
# Chromium for the browser tests), the .venv virtualenv and the project with its `test` extra.
# Safe to re-run: every step is skipped when already done. Works on a fresh Debian 12 as root;
# as another user it only warns about missing system packages.
# Env: CASEPATH_FORCE_INSTALL=1 reinstalls the Python packages even if nothing changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Print how long each phase took: `phase NAME` starts one, `phase` alone ends the last.
_phase_name="" _phase_start=0
phase() {
  local now
  now=$(date +%s)
  [ -n "$_phase_name" ] && echo "==> $_phase_name: $((now - _phase_start))s"
  _phase_name=${1:-} _phase_start=$now
  [ -n "$_phase_name" ] && echo "==> $_phase_name ..."
  return 0
}

# --- system packages -------------------------------------------------------------------------
phase "system packages"
missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Node.js runs the real OpenID provider of the sign-in tests (tests/oidc/provider, npm's oidc-provider).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# WeasyPrint (the case file's PDF export, pip-installed) loads Pango through its C libraries and needs a font.
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Debian's python3 needs python3-venv for `python3 -m venv` (ensurepip); python.org builds have it.
if [ ! -x .venv/bin/pip ] && ! python3 -c 'import ensurepip' 2>/dev/null; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a concurrent apt/dpkg rather than failing on its lock.
    apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
    apt-get update -q
    apt-get install "${apt_opts[@]}" "${missing[@]}"
  else
    echo "WARNING: missing system packages: ${missing[*]}" >&2
    echo "  install them as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "  (without PostgreSQL, set CASEPATH_TEST_DATABASE_URL or the PostgreSQL tests skip)" >&2
  fi
fi

# --- virtualenv --------------------------------------------------------------------------------
phase "virtualenv"
[ -x .venv/bin/pip ] || python3 -m venv .venv

# --- Python packages ---------------------------------------------------------------------------
# Reinstall only when pyproject.toml changed since the last successful install (stamp file).
phase "pip install"
stamp=.venv/.casepath-install-stamp
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "${CASEPATH_FORCE_INSTALL:-0}" = 1 ] || [ ! -x .venv/bin/casepath ] || [ ! -x .venv/bin/ruff ] \
  || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check --no-input -e '.[test]'
  echo "$want" >"$stamp"
else
  echo "up to date (pyproject.toml unchanged)"
fi

# --- the test OpenID provider ------------------------------------------------------------------
# npm ci installs exactly the committed package-lock.json; again only when it changed.
phase "npm ci (tests/oidc/provider)"
provider=tests/oidc/provider
want=$(sha256sum "$provider/package-lock.json" | cut -d' ' -f1)
if ! command -v npm >/dev/null; then
  echo "WARNING: npm is missing: the sign-in tests (tests/oidc) will fail" >&2
elif [ ! -d "$provider/node_modules" ] || [ "$(cat "$provider/node_modules/.casepath-stamp" 2>/dev/null)" != "$want" ]; then
  (cd "$provider" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$provider/node_modules/.casepath-stamp"
else
  echo "up to date (package-lock.json unchanged)"
fi
phase
