"""d2l_utils/data/__main__.py: ``python -m d2l_utils.data fetch|where`` (make data)."""

import gzip
import os
import shutil
import subprocess
import sys

import pytest
from helpers import fails_at_close

from d2l_utils.data import __main__ as cli
from d2l_utils.data import download


@pytest.fixture
def apt(monkeypatch, tiny_fashion_gz):
    """Pretend to be Debian as root; 'installing' the package copies the files to the system dir."""
    commands = []

    def fake_run(cmd):
        commands.append(cmd)
        if cmd[-1] == "dataset-fashion-mnist":
            shutil.copytree(tiny_fashion_gz.files, tiny_fashion_gz.system)
        return True

    monkeypatch.setattr(cli, "is_debian", lambda: True)
    monkeypatch.setattr(cli, "root_prefix", lambda: [])
    monkeypatch.setattr(cli, "run", fake_run)
    return commands


def test_where_names_the_folder_and_source(tiny_fashion_gz, monkeypatch, capsys):
    monkeypatch.setenv("D2L_DATA_DIR", str(tiny_fashion_gz.files))
    assert cli.main(["where"]) == 0
    assert capsys.readouterr().out == (f"Fashion-MNIST: {tiny_fashion_gz.files} "
                                       "(D2L_DATA_DIR, verified)\n")


def test_where_without_data_fails_with_the_remedies(tiny_fashion_gz, capsys):
    assert cli.main(["where"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Fashion-MNIST not found\nLooked in:")
    assert "sudo apt-get install dataset-fashion-mnist" in err


def test_fetch_when_present_does_nothing(tiny_fashion_gz, data_env, apt, capsys):
    shutil.copytree(tiny_fashion_gz.files, tiny_fashion_gz.system)
    assert cli.main(["fetch"]) == 0
    assert capsys.readouterr().out == (f"Fashion-MNIST is present in {tiny_fashion_gz.system} "
                                       "(system); nothing to do.\n")
    assert data_env.calls == [] and apt == []


def test_fetch_when_present_but_damaged_fails(tiny_fashion_gz, apt, capsys):
    shutil.copytree(tiny_fashion_gz.files, tiny_fashion_gz.system)
    path = tiny_fashion_gz.system / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:-1] + b"\x01"))
    assert cli.main(["fetch"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "--reinstall dataset-fashion-mnist" in err
    assert apt == []


def test_fetch_downloads(tiny_fashion_gz, data_env, http_mirror, monkeypatch, apt, capsys):
    data_env.allow_network()
    monkeypatch.setenv("D2L_DATA_MIRRORS", http_mirror(tiny_fashion_gz.files))
    assert cli.main(["fetch"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Fashion-MNIST not found locally; downloading into {tiny_fashion_gz.cache}",
                   f"Fashion-MNIST downloaded and verified: {tiny_fashion_gz.cache}"]
    assert apt == []


def test_fetch_falls_back_to_the_debian_package(tiny_fashion_gz, apt, capsys):
    assert cli.main(["fetch"]) == 0  # no mirrors in the generated spec: download fails
    assert apt == [["apt-get", "-qq", "update"],
                   ["apt-get", "install", "-y", "-qq", "dataset-fashion-mnist"]]
    out = capsys.readouterr().out
    assert out.endswith(f"Fashion-MNIST installed and verified: {tiny_fashion_gz.system} "
                        "(system)\n")


@pytest.mark.parametrize("debian, prefix", [(False, []), (True, None)])
def test_fetch_without_package_manager_rights_fails(tiny_fashion_gz, monkeypatch, capsys,
                                                    debian, prefix):
    monkeypatch.setattr(cli, "is_debian", lambda: debian)
    monkeypatch.setattr(cli, "root_prefix", lambda: prefix)
    monkeypatch.setattr(cli, "run", lambda cmd: pytest.fail(f"ran {cmd}"))
    assert cli.main(["fetch"]) == 1
    assert "error: Fashion-MNIST not found" in capsys.readouterr().err


def test_no_debian_package_for_mnist(tiny_mnist, apt, capsys):
    assert cli.main(["fetch", "--dataset", "mnist"]) == 1
    err = capsys.readouterr().err
    assert "error: MNIST not found" in err and "apt-get" not in err and apt == []


def test_root_prefix(monkeypatch):
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0)
    assert cli.root_prefix() == []
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    assert cli.root_prefix() is None
    monkeypatch.setattr(cli.shutil, "which", lambda name: "/usr/bin/sudo")
    for rc, expected in ((0, ["sudo", "-n"]), (1, None)):
        monkeypatch.setattr(cli.subprocess, "run",
                            lambda cmd, rc=rc, **kw: subprocess.CompletedProcess(cmd, rc))
        assert cli.root_prefix() == expected


def test_run_reports_failures(capsys):
    assert cli.run([sys.executable, "-c", "print('fine')"]) is True
    assert cli.run([sys.executable, "-c", "import sys; sys.exit('broken')"]) is False
    captured = capsys.readouterr()
    assert captured.out.startswith("$ ") and "failed:\nbroken" in captured.err


def test_unknown_command_or_dataset_exits_2(capsys):
    for argv in (["download"], ["fetch", "--dataset", "cifar"]):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2


def test_failed_apt_install_reports_the_original_error(tiny_fashion_gz, monkeypatch, capsys):
    monkeypatch.setattr(cli, "is_debian", lambda: True)
    monkeypatch.setattr(cli, "root_prefix", lambda: ["sudo", "-n"])
    commands = []
    monkeypatch.setattr(cli, "run", lambda cmd: commands.append(cmd) or False)
    assert cli.main(["fetch"]) == 1
    assert commands == [["sudo", "-n", "apt-get", "-qq", "update"]]  # stops at the first failure
    assert "error: Fashion-MNIST not found" in capsys.readouterr().err


def test_full_disk_at_close_is_one_error_line(tiny_fashion_gz, data_env, http_mirror, apt,
                                               monkeypatch, capsys):
    data_env.allow_network()
    monkeypatch.setenv("D2L_DATA_MIRRORS", http_mirror(tiny_fashion_gz.files))
    monkeypatch.setattr(download.os, "fdopen", fails_at_close())
    assert cli.main(["fetch"]) == 1
    err = capsys.readouterr().err
    last = err.replace("\r", "\n").splitlines()[-1]  # after the progress bar
    assert last.startswith("error: ") and err.count("error:") == 1 and "Traceback" not in err
    assert "No space left on device" in last and "Free some disk space" in last
    assert apt == []  # a full disk is not a reason to try the package manager


def test_unexpected_os_error_is_one_error_line(tiny_fashion_gz, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere")

    monkeypatch.setattr(cli, "find_local", broken)
    assert cli.main(["fetch"]) == 1
    assert capsys.readouterr().err == "error: [Errno 13] Permission denied: '/somewhere'\n"


def test_run_reports_a_missing_command(capsys):
    assert cli.run(["/nonexistent/apt-get", "update"]) is False
    assert "failed: [Errno 2] No such file or directory" in capsys.readouterr().err


def test_cli_process_prints_one_error_line_and_exits_1(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path),
               D2L_DATA_DIR=str(tmp_path / "missing"))
    done = subprocess.run([sys.executable, "-m", "d2l_utils.data", "where"], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert done.stderr.count("\nerror") == 0 and "D2L_DATA_DIR" in done.stderr
