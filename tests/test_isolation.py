"""No test sees the machine's user folders or its CLERK_* settings (the ``own_home`` fixture).

The last test runs a probe test in a child pytest whose "host" is dirty on purpose: a HOME with
a clerk.toml and a hall key, XDG folders, and CLERK_* variables.  The probe must see none of it.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from clerk.config import get_settings

PROBE = Path(__file__).parent / "isolation_probe.py"


def test_a_test_has_its_own_home_and_no_host_settings(own_home, hall_key_file, tmp_path_factory):
    account_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert Path.home() == own_home != account_home
    assert own_home.is_relative_to(tmp_path_factory.getbasetemp())
    assert not list(own_home.iterdir())  # empty, as on a new machine
    for folder in (platformdirs.user_config_dir("clerk"), platformdirs.user_data_dir("clerk"),
                   platformdirs.user_cache_dir("clerk"), platformdirs.user_state_dir("clerk")):
        assert Path(folder).is_relative_to(own_home), folder
    settings = get_settings()
    assert settings.home.is_relative_to(own_home)
    assert settings.effective_key_file == hall_key_file  # the suite's own key, kept on purpose
    assert sorted(v for v in os.environ if v.startswith("CLERK_")) == ["CLERK_KEY_FILE"]


def test_a_child_process_inherits_the_test_home(own_home):
    code = "import pathlib, platformdirs; print(pathlib.Path.home()); print(platformdirs.user_config_dir('clerk'))"
    home, config = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout.splitlines()
    assert Path(home) == own_home
    assert Path(config).is_relative_to(own_home)


@pytest.mark.slow
def test_a_dirty_host_does_not_reach_a_test(tmp_path):
    host = tmp_path / "host"
    (host / ".config" / "clerk").mkdir(parents=True)
    (host / ".config" / "clerk" / "clerk.toml").write_text('printer = "HOSTFILE"\n', encoding="utf-8")
    (host / ".local" / "share" / "clerk").mkdir(parents=True)
    (host / ".local" / "share" / "clerk" / "hall.key").write_text("not the suite's key\n")
    env = {**os.environ, "HOME": str(host), "XDG_CONFIG_HOME": str(host / ".config"),
           "XDG_DATA_HOME": str(host / ".local" / "share"), "CLERK_PRINTER": "HOSTVAR",
           "CLERK_HOME": str(host / "clerk-home"), "ISOLATION_PROBE_HOST": str(host)}
    env.pop("CLERK_KEY_FILE", None)  # the child's session fixture makes its own
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(PROBE)], cwd=Path(__file__).parent.parent, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout
