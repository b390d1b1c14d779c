"""Regenerates header-cases.json, the table NpyHeaderTest checks dice4j against, from numpy itself.

Each case is a .npy header (the text after the magic, version and length fields) and a format version. Its verdict
is what numpy 2.4.6 on CPython 3.11 does with it, found by running numpy's reader: numpy.lib.format's
_read_array_header, the function numpy.load calls, either refuses the header ("numpy": "refused", with the
exception as "reason") or returns shape, fortran_order and dtype ("numpy": {...} with the dict's descr, its
fortran_order, its shape, and "loads": whether numpy.load reads a file made of this header and the data it
announces; null when that data would exceed 1 MiB). When numpy refuses only the descr string (every other check
passed), "literal" holds the three values the header's dict literal had.

Run from this folder: python3 header_cases.py > header-cases.json
"""
import ast
import io
import json
import struct
import sys
import warnings

import numpy
from numpy.lib import _format_impl as npy_format

D = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"


def dict_text(descr="'<f4'", fortran="False", shape="(2, 3)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s}" % (descr, fortran, shape)


def padded(text, version=1):
    """numpy's layout: the dict, spaces, and a newline, so that the data starts at a multiple of 64."""
    prefix = 10 if version == 1 else 12
    total = prefix + len(text.encode('utf8' if version == 3 else 'latin1')) + 1
    return text + ' ' * (-total % 64) + '\n'


CASES = [
    # What numpy.save writes, and the layouts Python reads the same.
    ("numpy.save's header", 1, padded(D)),
    ("numpy.save's header, version 2", 2, padded(D, 2)),
    ("numpy.save's header, version 3", 3, padded(D, 3)),
    ("one dimension", 1, dict_text(shape="(5,)")),
    ("a zero size", 1, dict_text(shape="(0, 3)")),
    ("0-dimensional: numpy reads shape ()", 1, dict_text(shape="()")),
    ("eight dimensions", 1, dict_text(shape="(1, 2, 1, 2, 1, 2, 1, 2)")),
    ("the largest long", 1, dict_text(shape="(9223372036854775807,)")),
    ("keys in another order", 1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}"),
    ("no spaces", 1, "{'descr':'<f4','fortran_order':False,'shape':(2,3)}"),
    ("tabs, newlines and form feeds between tokens", 1, "{\t'descr'\t:\n'<f4',\n\n 'fortran_order' :\fFalse ,'shape':(\n2 ,\t3\n)\n}"),
    ("trailing commas", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }"),
    ("leading spaces and tabs", 1, " \t " + D),
    ("leading blank and comment lines", 1, "\n\n# a comment\n" + D),
    ("a form feed before the dict", 1, "\f" + D),
    ("a form feed then spaces before the dict, version 1: the fallback re-spaces it", 1, "\f  " + D + "\n"),
    ("spaces after the last newline, version 1: the fallback drops them", 1, D + "\n  "),
    ("the dict in parentheses", 1, "(" + D + ")"),
    ("a comment after the dict", 1, D + "  # numpy ignores this\n"),
    ("a comment between entries", 1, "{'descr': '<f4', # the type\n 'fortran_order': False, 'shape': (2, 3)}"),
    ("a backslash continuation between entries", 1, "{'descr': '<f4', \\\n'fortran_order': False, 'shape': (2, 3)}"),
    ("a backslash continuation after the dict", 1, D + " \\\n\n"),
    ("CR LF newlines", 1, "{'descr': '<f4',\r\n 'fortran_order': False,\r\n 'shape': (2, 3)}\r\n"),
    ("double quotes", 1, '{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}'),
    ("triple quotes", 1, "{'''descr''': \"\"\"<f4\"\"\", 'fortran_order': False, 'shape': (2, 3)}"),
    ("string prefixes u, U, r, R", 1, "{u'descr': U'<f4', r'fortran_order': False, R'shape': (2, 3)}"),
    ("adjacent strings are one", 1, "{'des' \"cr\": '<' 'f4', 'fortran_' 'order': False, 'sha' '''pe''': (2, 3)}"),
    ("adjacent strings across lines", 1, "{'descr': ('<'\n 'f4'), 'fortran_order': False, 'shape': (2, 3)}"),
    ("escapes in keys", 1, "{'\\x64escr': '<f4', 'fortran\\137order': False, '\\u0073hape': (2, 3)}"),
    ("escapes in the descr", 1, dict_text(descr="'\\x3c\\146\\U00000034'")),
    ("a named escape in the descr", 1, dict_text(descr="'\\N{LESS-THAN SIGN}f4'")),
    ("a named escape, lower case", 1, dict_text(descr="'\\N{less-than sign}f4'")),
    ("a backslash newline inside a string", 1, dict_text(descr="'<f\\\n4'")),
    ("parenthesised values", 1, dict_text(descr="('<f4')", fortran="(False)", shape="((2, 3))")),
    ("int spellings", 1, dict_text(shape="(0x2, 0o3, 0b10, 1_0, +4, 00, 0_0)")),
    ("a Python 2 long suffix, version 1", 1, dict_text(shape="(2L, 3L)")),
    ("a Python 2 long suffix, version 2", 2, dict_text(shape="(2L, 3L)")),
    ("a long suffix after spaces, and twice", 1, dict_text(shape="(2 L, 3L L)")),
    ("a long suffix on a hex int", 1, dict_text(shape="(0x2L, 3)")),
    ("a long suffix after a continuation", 1, dict_text(shape="(2\\\nL, 3)")),
    ("fortran_order True", 1, dict_text(fortran="True")),
    ("a repeated shape: the last wins", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (9, 9), 'shape': (2, 3)}"),
    ("a repeated fortran_order: the last wins", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'fortran_order': True}"),
    ("a repeated descr, junk first: the last wins", 1, "{'descr': [1, {2: 3}], 'fortran_order': False, 'shape': (2, 3), 'descr': '<i4'}"),
    ("overwritten values of every literal kind", 1, "{'shape': (1.5, 1e3, .5, 1j, -1-2j, b'x', None, ..., {1, (2, 3)}, set(), [], {}), 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("signed and parenthesised numbers, complex sums", 1, "{'shape': (-(1), +1.5, (1) + (2j), -1.5e3 - 0J, 1_0.0_1j), 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a fullwidth set() is set()", 3, "{'shape': \uff53\uff45\uff54(), 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a commented-out fortran_order: numpy reads the real one", 1, "{'descr': '<f4', # 'fortran_order': False,\n 'fortran_order': True, 'shape': (2, 3)}"),
    ("a lone CR ends a comment", 1, "{'descr': '<f4', 'shape': (2, 3), # c\r'fortran_order': True}"),
    ("a commented-out descr: numpy reads the real one", 1, "{# 'descr': '<f4',\n 'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a key's text inside an overwritten string", 1, "{'fortran_order': \"'fortran_order': True\", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("Latin-1 in a comment, version 1", 1, D + " # caf\xe9\n"),
    ("UTF-8 in a comment, version 3", 3, D + " # \u00e9\u6f22\U0001f600\n"),
    ("exactly 10000 characters", 1, D + " " * (10000 - len(D) - 1) + "\n"),
    ("exactly 10000 characters of UTF-8, version 3", 3, D + " #" + ("\u00e9\U0001f600" * 5000)[:10000 - len(D) - 3] + "\n"),
    ("float64", 1, dict_text(descr="'<f8'")),
    ("float16", 1, dict_text(descr="'<f2'")),
    ("uint8 |u1", 1, dict_text(descr="'|u1'")),
    ("uint8 <u1", 1, dict_text(descr="'<u1'")),
    ("uint8 >u1", 1, dict_text(descr="'>u1'")),
    ("int32", 1, dict_text(descr="'<i4'")),
    ("int64", 1, dict_text(descr="'<i8'")),
    ("big-endian float32: numpy reads it, dice4j does not", 1, dict_text(descr="'>f4'")),
    ("float32 by name: numpy reads it, dice4j does not", 1, dict_text(descr="'float32'")),
    ("complex64: numpy reads it, dice4j does not", 1, dict_text(descr="'<c8'")),
    ("bool: numpy reads it, dice4j does not", 1, dict_text(descr="'|b1'")),
    ("a structured dtype: numpy reads it, dice4j does not", 1, dict_text(descr="[('a', '<f4'), ('b', '<i4')]")),
    ("a subarray dtype: numpy reads it, dice4j does not", 1, dict_text(descr="('<f4', (2,))")),
    ("a bool size: the header passes, numpy.load fails", 1, dict_text(shape="(True, 3)")),
    ("a negative size: the header passes, numpy.load fails", 1, dict_text(shape="(-1, 3)")),
    ("a size beyond a long: the header passes", 1, dict_text(shape="(9223372036854775808,)")),
    # What numpy refuses.
    ("no descr", 1, "{'fortran_order': False, 'shape': (2, 3)}"),
    ("no fortran_order", 1, "{'descr': '<f4', 'shape': (2, 3)}"),
    ("no shape", 1, "{'descr': '<f4', 'fortran_order': False}"),
    ("a descr only in a comment", 1, "{# 'descr': '<f4',\n 'fortran_order': False, 'shape': (2, 3)}"),
    ("a shape only inside a string", 1, "{'descr': \"<f4', 'shape': (2, 3)\", 'fortran_order': False}"),
    ("a shape only in a nested dict", 1, "{'descr': '<f4', 'fortran_order': False, 'x': {'shape': (2, 3)}}"),
    ("an extra key", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}"),
    ("a key that is not a string", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 1: 2}"),
    ("a bytes key", 1, "{b'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("an unhashable key", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), [1]: 2}"),
    ("an unhashable set element in an overwritten value", 1, "{'shape': {(1, [2])}, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("no braces", 1, "'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)"),
    ("a dict() call", 1, "dict(descr='<f4', fortran_order=False, shape=(2, 3))"),
    ("an empty header", 1, ""),
    ("an empty dict", 1, "{}"),
    ("a list, not a dict", 1, "['descr', '<f4']"),
    ("junk after the dict", 1, D + " junk\n"),
    ("a second brace after the dict", 1, D + "}\n"),
    ("a comma after the dict: a tuple", 1, D + ",\n"),
    ("a second line after the dict", 1, D + "\n{}\n"),
    ("an unclosed dict", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)\n"),
    ("a mismatched bracket", 1, dict_text(shape="(2, 3]")),
    ("a missing comma", 1, "{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}"),
    ("a semicolon", 1, "{'descr': '<f4'; 'fortran_order': False, 'shape': (2, 3)}"),
    ("dict unpacking", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), **{}}"),
    ("a NUL byte after the dict", 1, D + "\x00\n"),
    ("a NUL byte in a string", 1, dict_text(descr="'<f4\x00'")),
    ("an indented dict after a newline", 1, "\n  " + D),
    ("a form feed then spaces before the dict, version 3", 3, "\f  " + D),
    ("spaces after the last newline, version 3", 3, D + "\n  "),
    ("a backslash at the end", 1, D + "\\"),
    ("a backslash continuation into the end", 1, D + "\\\n"),
    ("(2,, 3)", 1, dict_text(shape="(2,, 3)")),
    ("(, 2)", 1, dict_text(shape="(, 2)")),
    ("(02, 3): a leading zero", 1, dict_text(shape="(02, 3)")),
    ("(0_2, 3): a leading zero", 1, dict_text(shape="(0_2, 3)")),
    ("a fullwidth digit", 3, dict_text(shape="(\uff12, 3)")),
    ("an Arabic-Indic digit", 3, dict_text(shape="(\u0662, 3)")),
    ("a superscript digit", 1, dict_text(shape="(\xb2, 3)")),
    ("a no-break space", 1, dict_text(shape="(2,\xa03)")),
    ("a byte-order mark", 3, "\ufeff" + D),
    ("1__0", 1, dict_text(shape="(1__0, 3)")),
    ("a trailing underscore", 1, dict_text(shape="(2_, 3)")),
    ("0b2", 1, dict_text(shape="(0b2, 3)")),
    ("0x without digits", 1, dict_text(shape="(0x, 3)")),
    ("a number running into a name", 1, dict_text(shape="(2x, 3)")),
    ("a lower-case long suffix", 1, dict_text(shape="(2l, 3)")),
    ("a long suffix, version 3", 3, dict_text(shape="(2L, 3)")),
    ("a long suffix after a comment and newline", 1, dict_text(shape="(2 # c\nL, 3)")),
    ("a long suffix after a lone-CR continuation", 1, dict_text(shape="(2\\\rL, 3)")),
    ("a name 'LL' after a number", 1, dict_text(shape="(2LL, 3)")),
    ("a list shape", 1, dict_text(shape="[2, 3]")),
    ("an int shape", 1, dict_text(shape="6")),
    ("a string shape", 1, dict_text(shape="'(2, 3)'")),
    ("a float size", 1, dict_text(shape="(2.0, 3)")),
    ("a string size", 1, dict_text(shape="('2', 3)")),
    ("a nested tuple size", 1, dict_text(shape="((2,), 3)")),
    ("a power", 1, dict_text(shape="(2**3,)")),
    ("a sum of ints", 1, dict_text(shape="(1+1, 3)")),
    ("a signed sign", 1, dict_text(shape="(--2, 3)")),
    ("a signed bool", 1, dict_text(shape="(-True, 3)")),
    ("a name", 1, dict_text(shape="(n, 3)")),
    ("a sum with a signed imaginary term", 1, "{'shape': 1 + -2j, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a sum whose left term is imaginary", 1, "{'shape': 1j + 2j, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a sum of three terms", 1, "{'shape': 1 + 2j + 3j, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a sum with a bool", 1, "{'shape': True + 1j, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a sign before a parenthesised sign", 1, "{'shape': -(-1), 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a call other than set()", 1, "{'shape': set((1,)), 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("fortran_order 0", 1, dict_text(fortran="0")),
    ("fortran_order 'False'", 1, dict_text(fortran="'False'")),
    ("fortran_order None", 1, dict_text(fortran="None")),
    ("fortran_order in lower case", 1, dict_text(fortran="false")),
    ("a fullwidth True is a name", 3, dict_text(fortran="\uff34\uff52\uff55\uff45")),
    ("a descr int", 1, dict_text(descr="4")),
    ("a descr None", 1, dict_text(descr="None")),
    ("a bytes descr", 1, dict_text(descr="b'<f4'")),
    ("an f-string descr", 1, dict_text(descr="f'<f4'")),
    ("a ur prefix", 1, dict_text(descr="ur'<f4'")),
    ("str and bytes concatenated", 1, dict_text(descr="'<f' b'4'")),
    ("an unterminated string", 1, dict_text(descr="'<f4")),
    ("a newline inside a string", 1, dict_text(descr="'<f\n4'")),
    ("a truncated \\x escape", 1, dict_text(descr="'\\x3'")),
    ("an unknown character name", 1, dict_text(descr="'\\N{NOT A CHARACTER}f4'")),
    ("an illegal \\U escape", 1, dict_text(descr="'\\U00110000'")),
    ("non-ASCII in bytes", 1, dict_text(descr="b'\xe9'")),
    ("an unknown descr: numpy refuses the dtype", 1, dict_text(descr="'<x9'")),
    ("an unparsable descr: numpy refuses the dtype", 1, dict_text(descr="',<f4'")),
    ("201 nested brackets", 1, "{'shape': " + "[" * 200 + "]" * 200 + ", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("200 nested brackets are read", 1, "{'shape': " + "[" * 199 + "]" * 199 + ", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("an int of 4301 digits", 1, "{'shape': " + "1" * 4301 + ", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("an int of 4300 digits is read", 1, "{'shape': " + "1" * 4300 + ", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("10001 characters", 1, D + " " * (10001 - len(D) - 1) + "\n"),
    ("10001 characters of UTF-8, version 3", 3, D + " #" + ("\u00e9\U0001f600" * 5000)[:10001 - len(D) - 3] + "\n"),
    ("a named escape by an alias (numpy reads it, dice4j does not)", 1, "{'shape': '\\N{NBSP}', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"),
    ("a lone CR where the fallback is needed (numpy reads it, dice4j does not)", 1, "{'descr': '<f4', # c\r'fortran_order': False, 'shape': (2L, 3)}"),
    ("control characters, very long", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x\x01\x1b[31m\x7f" + "y" * 200 + "': 1}"),
]

BYTE_CASES = [
    ("invalid UTF-8, version 3", 3, D.encode() + b" # \xff\xfe\n"),
    ("a UTF-8-encoded surrogate, version 3", 3, D.encode() + b" # \xed\xa0\x80\n"),
    ("an overlong UTF-8 NUL, version 3", 3, D.encode() + b" # \xc0\x80\n"),
]


def literal_dict(text, version):
    """The dict literal as numpy evaluates it, with its Python 2 fallback for versions 1.0 and 2.0."""
    try:
        return ast.literal_eval(text)
    except SyntaxError:
        if version == 3:
            raise
        return ast.literal_eval(npy_format._filter_header(text))


def only_descr_refused(header_bytes, version):
    try:
        text = header_bytes.decode('utf8' if version == 3 else 'latin1')
        d = literal_dict(text, version)
    except Exception:
        return None
    if len(text) > 10000:
        return None
    valid = (isinstance(d, dict) and d.keys() == {'descr', 'fortran_order', 'shape'} and isinstance(d['shape'], tuple)
             and all(isinstance(x, int) for x in d['shape']) and isinstance(d['fortran_order'], bool)
             and isinstance(d['descr'], str))
    return {"descr": d['descr'], "fortran_order": d['fortran_order'], "shape": list(d['shape'])} if valid else None


def loads(header_bytes, version, shape, dtype):
    """Whether numpy.load reads a file of this header and exactly the data it announces; None above 1 MiB."""
    count = 1
    for size in shape:
        count *= max(int(size), 0)
    if count * dtype.itemsize > 1 << 20:
        return None
    length = struct.pack('<H' if version == 1 else '<I', len(header_bytes))
    file = b'\x93NUMPY' + bytes([version, 0]) + length + header_bytes + b'\0' * (count * dtype.itemsize)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numpy.load(io.BytesIO(file), allow_pickle=False)
        return True
    except Exception:
        return False


def verdict(header_bytes, version):
    length = struct.pack('<H' if version == 1 else '<I', len(header_bytes))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shape, fortran_order, dtype = npy_format._read_array_header(io.BytesIO(length + header_bytes), (version, 0))
    except Exception as e:
        result = {"numpy": "refused", "reason": "%s: %s" % (type(e).__name__, str(e).split('\n')[0][:200])}
        literal = only_descr_refused(header_bytes, version)
        if literal is not None:
            result["literal"] = literal
        return result
    descr = literal_dict(header_bytes.decode('utf8' if version == 3 else 'latin1'), version)['descr']
    return {"numpy": {"descr": descr if isinstance(descr, str) else repr(descr), "descr_is_str": isinstance(descr, str),
                      "fortran_order": fortran_order, "shape": list(shape),
                      "loads": loads(header_bytes, version, shape, dtype)}}


def main():
    if numpy.__version__ != "2.4.6" or sys.version_info[:2] != (3, 11):
        sys.exit("expected numpy 2.4.6 on Python 3.11, found numpy %s on Python %s" % (numpy.__version__, sys.version))
    table = []
    for name, version, text in CASES:
        header_bytes = text.encode('utf8' if version == 3 else 'latin1')
        table.append({"name": name, "version": version, "header": text, **verdict(header_bytes, version)})
    for name, version, header_bytes in BYTE_CASES:
        table.append({"name": name, "version": version, "header_hex": header_bytes.hex(), **verdict(header_bytes, version)})
    names = [case["name"] for case in table]
    assert len(names) == len(set(names)), "case names must be unique"
    json.dump({"numpy": numpy.__version__, "python": "%d.%d.%d" % sys.version_info[:3], "cases": table}, sys.stdout,
              indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
