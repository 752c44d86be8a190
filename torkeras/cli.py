"""Command line: ``python -m torkeras run SCRIPT [ARGS]`` and ``python -m torkeras plugins``."""
import argparse
import os
import runpy
import sys


def _cmd_run(args):
    from . import _aliasing
    script = args.script
    if not os.path.isfile(script):
        print("torkeras run: no such script: %r" % (script,), file=sys.stderr)
        return 2
    _aliasing.install()
    sys.argv = [script] + list(args.args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


def _cmd_plugins(args):
    from . import plugins
    print(plugins.plugins_report(as_json=args.json))
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m torkeras",
                                     description="torkeras: the Keras 1 and Keras 2 API on PyTorch.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run an unmodified Keras script with `keras` resolving to torkeras")
    run.add_argument("script", help="path of the Python script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    run.set_defaults(func=_cmd_run)
    plug = sub.add_parser("plugins", help="list installed torkeras plugins and what they register")
    plug.add_argument("--json", action="store_true", help="machine-readable output")
    plug.set_defaults(func=_cmd_plugins)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)
