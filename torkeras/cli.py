"""Command line: ``python -m torkeras COMMAND``.

Commands: ``run SCRIPT [ARGS]``, ``plugins [--json]``, ``inspect FILE.h5 [--json]``,
``convert FILE.h5 OUT.pt [--config model.json]``, ``upgrade SCRIPT [--check] [-o OUT]``. Each command is one ``_add_<name>(sub)`` function
listed in :data:`COMMANDS`: it adds its subparser and sets ``func`` (called with the parsed
arguments; returns the exit status).
"""
import argparse
import json
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


def _report_errors(command, func):
    """Run ``func()``; a torkeras or OS error is printed as ``torkeras COMMAND: message`` (status 1)."""
    from .errors import TorkerasError
    try:
        func()
    except (TorkerasError, OSError) as e:
        print("torkeras %s: %s" % (command, e), file=sys.stderr)
        return 1
    return 0


def _cmd_inspect(args):
    from .saving import _inspect

    def run():
        info = _inspect.inspect_file(args.file)
        if args.json:
            print(json.dumps(_inspect.json_report(info), indent=2))
        else:
            print(_inspect.format_report(info))
    return _report_errors("inspect", run)


def _cmd_convert(args):
    from .saving import _convert

    def run():
        checkpoint = _convert.convert_file(args.file, args.out, config_path=args.config,
                                           safe_mode=not args.unsafe_bytecode)
        print("wrote %s: %d tensors, config of %d characters (read it with "
              "torch.load(path, weights_only=True))" % (args.out, len(checkpoint["state_dict"]),
                                                        len(checkpoint["config"])))
    return _report_errors("convert", run)


def _cmd_upgrade(args):
    from .legacy import upgrade
    if not os.path.isfile(args.script):
        print("torkeras upgrade: no such script: %r" % (args.script,), file=sys.stderr)
        return 2
    try:
        return upgrade.upgrade_file(args.script, check=args.check, output=args.output)
    except (SyntaxError, OSError) as e:
        print("torkeras upgrade: cannot upgrade %s: %s" % (args.script, e), file=sys.stderr)
        return 1


def _add_run(sub):
    p = sub.add_parser("run", help="run an unmodified Keras script with `keras` resolving to torkeras")
    p.add_argument("script", help="path of the Python script")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    p.set_defaults(func=_cmd_run)


def _add_plugins(sub):
    p = sub.add_parser("plugins", help="list installed torkeras plugins and what they register")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_plugins)


def _add_inspect(sub):
    p = sub.add_parser("inspect", help="describe a Keras .h5 file: generation, layers, weight shapes "
                                       "and the conversions loading it applies")
    p.add_argument("file", help="the .h5 file (full model or weights only)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_inspect)


def _add_convert(sub):
    p = sub.add_parser("convert", help="write a Keras .h5 file as a plain PyTorch checkpoint "
                                       "(state_dict + config JSON, loadable with weights_only=True)")
    p.add_argument("file", help="the .h5 file")
    p.add_argument("out", help="the checkpoint to write, e.g. model.pt")
    p.add_argument("--config", metavar="model.json",
                   help="for weights-only files: the architecture, as written by model.to_json()")
    p.add_argument("--unsafe-bytecode", action="store_true",
                   help="allow Lambda layers stored as Python bytecode (safe_mode=False): only for "
                        "files you trust")
    p.set_defaults(func=_cmd_convert)


def _add_upgrade(sub):
    p = sub.add_parser("upgrade", help="rewrite the Keras 1 spellings of a script into Keras 2 "
                                       "(in place, printing a diff)")
    p.add_argument("script", help="path of the Python script")
    p.add_argument("--check", action="store_true",
                   help="only list what would change (exit status 1 when something would)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the upgraded script here instead")
    p.set_defaults(func=_cmd_upgrade)


#: One entry per subcommand; a new command adds its ``_add_<name>`` here.
COMMANDS = (_add_run, _add_plugins, _add_inspect, _add_convert, _add_upgrade)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m torkeras",
                                     description="torkeras: the Keras 1 and Keras 2 API on PyTorch.")
    sub = parser.add_subparsers(dest="command")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)
