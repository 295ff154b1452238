#!/usr/bin/env python3
"""Cut two small, closed PokeAPI "api-data" mini snapshots for the test fixtures.

Input: the real upstream snapshots (GitHub-archive layout, see
shared/data/pokeapi/README.md)

    api-data-2026-06-06.tar.gz   top folder api-data-2026-06-06/
    api-data-2026-07-10.tar.gz   top folder api-data-2026-07-10/

Output (same layout, top folders api-data-mini-<date>/):

    corpus/src/test/resources/fixtures/api-data-mini-2026-06-06.tar.gz
    corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz

How the cut works (the same rules and the same seeds for both snapshots):

1. Seeds: the pokemon, types, moves, language, generation, stats and
   abilities listed in SEEDS below, plus the singleton `meta` document.
   (The pokemon-species of the seed pokemon and the evolution chains of those
   species follow from step 2; the script asserts that they are included.)

2. Closure: every `/api/v2/...` reference (any string value starting with
   `/api/v2/`) that is NOT inside an array element pulls its document into the
   subset; this is repeated to a fixed point.  `/api/v2/<endpoint>/<id>/`
   addresses `data/api/v2/<endpoint>/<id>/index.json` and
   `/api/v2/pokemon/<id>/encounters` the encounters document
   `data/api/v2/pokemon/<id>/encounters/index.json`.  References that sit
   inside array elements do not pull anything in.

3. Omissions for incremental-import tests (after the cut): the 06-06 mini
   leaves out move 84 (thunder-shock), so 07-10 ADDS it; the 07-10 mini leaves
   out ability 9 (static), so it is REMOVED relative to 06-06.  An omitted
   document counts as outside the subset of that snapshot.  (A non-array
   reference to an omitted document would be an error; there is none.)

4. Pruning: in every included document, every array element that contains (at
   any depth) a reference to a document outside the subset is removed.  The
   removal is applied bottom-up: nested arrays are pruned first, so it is the
   INNERMOST array element holding the bad reference that goes (e.g. an
   `evolution_details` entry naming an item outside the subset is dropped, the
   evolution-chain node around it stays).  Afterwards every reference in every
   document resolves to an included document.  Absolute media URLs
   (https://raw.githubusercontent.com/...) are not references and are kept.

5. List documents `data/api/v2/<endpoint>/index.json` are rebuilt for every
   endpoint with included documents (count = included docs, next/previous
   null, results = upstream's result elements of the included ids, in id
   order).  The root index `data/api/v2/index.json` keeps only those endpoints
   (and `meta`).  Schemas: `data/schema/v2/<endpoint>/...` of the included
   endpoints, all shared top-level `data/schema/v2/*.json` files, and
   `data/schema/v2/index.json` with its `properties`/`required` trimmed to the
   endpoints of the mini root index (otherwise the root index would not
   validate against it).  All other files are upstream's bytes unchanged.

Documents are written as upstream does (json.dumps with indent=4,
ensure_ascii=True, no trailing newline), so unmodified documents are
byte-identical to upstream.  Archives are reproducible: sorted entries with
directory entries, upstream's mtime, root owner, gzip header mtime 0, and a
pax global header naming the upstream commit (like `git archive`).

After writing, both archives are re-read and validated (layout, list counts,
every reference resolves) and a summary is printed.

Usage (python3 stdlib only):

    python3 tools/cut-fixtures.py [--src DIR] [--out DIR]

--src defaults to ../shared/data/pokeapi beside the repository,
--out to corpus/src/test/resources/fixtures in the repository.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import zlib

# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------

SNAPSHOTS = [
    # (date, upstream archive, expected sha256 from shared/data/pokeapi/README.md)
    ("2026-06-06", "api-data-2026-06-06.tar.gz",
     "3d565ce2685989e071079393e622813b1575abd0fd83417571690afb7745cc35"),
    ("2026-07-10", "api-data-2026-07-10.tar.gz",
     "5448c945da7419b8952e88df790436aff6c3f91856978e7d6c948f4814ad4209"),
]

SEED_POKEMON = [1, 4, 5, 6, 25, 26, 133, 134]
# Dropped first if an archive grows past the hard size limit.
SEED_POKEMON_DROPPABLE = [133, 134]
SEED_TYPES = ["fire", "flying", "electric", "water", "normal", "grass", "poison"]
SEED_MOVES = [33, 52, 84]           # tackle, ember, thunder-shock
SEED_LANGUAGES = [9]                # en
SEED_GENERATIONS = [1]              # generation-i
SEED_STATS = [1, 2, 3, 4, 5, 6]     # hp .. speed
SEED_ABILITIES = [65, 66, 9]        # overgrow, blaze, static

# Documents left out of one mini after the cut (see docstring, step 3).
OMIT = {
    "2026-06-06": ["move/84"],
    "2026-07-10": ["ability/9"],
}

TARGET_BYTES = 250 * 1024
HARD_MAX_BYTES = 400 * 1024

REF_PREFIX = "/api/v2/"
API_DIR = "data/api/v2/"
SCHEMA_DIR = "data/schema/v2/"

# A document key is the path below data/api/v2 without "/index.json":
#   "pokemon/25", "pokemon/25/encounters", "meta"; list docs are "<endpoint>",
#   the root index is "".
DOC_KEY_RE = re.compile(r"^[a-z0-9-]+/-?[0-9]+(/encounters)?$")


# --------------------------------------------------------------------------
# Reading an upstream snapshot
# --------------------------------------------------------------------------

class Snapshot:
    """All files of one api-data archive, kept zlib-compressed in memory."""

    def __init__(self, path):
        self.api = {}       # key -> compressed bytes (every data/api/v2/**/index.json)
        self.schema = {}    # path below data/schema/v2/ -> raw bytes
        self.top = None
        self.mtime = None
        self.comment = None
        with tarfile.open(path, "r:gz") as tar:
            self.comment = tar.pax_headers.get("comment")
            for member in tar:
                top, _, rel = member.name.partition("/")
                if self.top is None:
                    self.top, self.mtime = top, member.mtime
                if not member.isfile():
                    continue
                data = tar.extractfile(member).read()
                if rel.startswith(API_DIR) and rel.endswith("index.json"):
                    key = rel[len(API_DIR):-len("index.json")].rstrip("/")
                    self.api[key] = zlib.compress(data, 1)
                elif rel.startswith(SCHEMA_DIR):
                    self.schema[rel[len(SCHEMA_DIR):]] = data

    def raw(self, key):
        return zlib.decompress(self.api[key])

    def load(self, key):
        return json.loads(self.raw(key))

    def has_doc(self, key):
        return key in self.api and (key == "meta" or DOC_KEY_RE.match(key) is not None)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------

def ref_key(url):
    """'/api/v2/pokemon/25/' -> 'pokemon/25'; '/api/v2/pokemon/25/encounters'
    -> 'pokemon/25/encounters'; '/api/v2/ability/' -> 'ability' (a list)."""
    return url[len(REF_PREFIX):].strip("/")


def is_ref(value):
    return isinstance(value, str) and value.startswith(REF_PREFIX)


def iter_refs(node, in_array=False):
    """Yield (url, inside_an_array_element) for every reference in node."""
    if is_ref(node):
        yield node, in_array
    elif isinstance(node, dict):
        for value in node.values():
            yield from iter_refs(value, in_array)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value, True)


def prune(node, keep):
    """Return node without the array elements that (after pruning their own
    nested arrays first) still hold a reference whose key is not in keep."""
    if isinstance(node, dict):
        return {k: prune(v, keep) for k, v in node.items()}
    if isinstance(node, list):
        out = []
        for element in node:
            element = prune(element, keep)
            if all(ref_key(url) in keep for url, _ in iter_refs(element)):
                out.append(element)
        return out
    return node


# --------------------------------------------------------------------------
# The cut
# --------------------------------------------------------------------------

def seed_keys(snap, pokemon_ids):
    type_ids = {r["name"]: ref_key(r["url"]) for r in snap.load("type")["results"]}
    keys = ["meta"]
    keys += ["pokemon/%d" % i for i in pokemon_ids]
    keys += [type_ids[name] for name in SEED_TYPES]
    keys += ["move/%d" % i for i in SEED_MOVES]
    keys += ["language/%d" % i for i in SEED_LANGUAGES]
    keys += ["generation/%d" % i for i in SEED_GENERATIONS]
    keys += ["stat/%d" % i for i in SEED_STATS]
    keys += ["ability/%d" % i for i in SEED_ABILITIES]
    return keys


def closure(snap, seeds):
    """Fixed point of 'non-array references pull their document in'."""
    included, todo = set(), list(seeds)
    while todo:
        key = todo.pop()
        if key in included:
            continue
        if not snap.has_doc(key):
            sys.exit("error: %s is needed by the closure but is not a document "
                     "of the snapshot" % key)
        included.add(key)
        for url, in_array in iter_refs(snap.load(key)):
            if not in_array and ref_key(url) not in included:
                todo.append(ref_key(url))
    return included


def check_seed_chain(snap, included, pokemon_ids):
    """The species of the seed pokemon and their evolution chains must be in."""
    for i in pokemon_ids:
        species = ref_key(snap.load("pokemon/%d" % i)["species"]["url"])
        chain = ref_key(snap.load(species)["evolution_chain"]["url"])
        assert species in included and chain in included, (i, species, chain)


def endpoint_of(key):
    return key.split("/")[0]


def doc_id(key):
    return int(key.split("/")[1]) if "/" in key else 0


def sort_keys(keys):
    return sorted(keys, key=lambda k: (endpoint_of(k), doc_id(k), k))


def dump(obj):
    """Upstream's formatting: 4-space indent, ASCII escapes, no final newline."""
    return json.dumps(obj, indent=4, ensure_ascii=True).encode("ascii")


def cut(snap, date, pokemon_ids):
    """Return (files, docs, baseline): files maps archive-relative path ->
    bytes; docs maps document key -> parsed (pruned) document; baseline is
    the same cut without the omissions of step 3, used to tell upstream
    changes from changes caused by the omissions."""
    included = closure(snap, seed_keys(snap, pokemon_ids))
    check_seed_chain(snap, included, pokemon_ids)
    omitted = set(OMIT.get(date, []))
    keep = included - omitted
    docs, baseline = {}, {}
    for key in sort_keys(included):
        upstream = snap.load(key)
        baseline[key] = prune(upstream, included)
        if key in omitted:
            continue
        doc = prune(upstream, keep)
        dangling = [u for u, _ in iter_refs(doc) if ref_key(u) not in keep]
        if dangling:
            sys.exit("error: %s keeps references outside arrays to omitted "
                     "documents: %s" % (key, dangling))
        docs[key] = doc

    files = {}
    for key, doc in docs.items():
        files[API_DIR + key + "/index.json"] = dump(doc)

    # List documents (every endpoint with id-addressed documents; meta is a singleton).
    endpoints = sorted({endpoint_of(k) for k in keep if k != "meta"})
    for endpoint in endpoints:
        upstream = snap.load(endpoint)
        ids = {doc_id(k) for k in keep if endpoint_of(k) == endpoint and DOC_KEY_RE.match(k)
               and not k.endswith("/encounters")}
        results = [r for r in upstream["results"] if doc_id(ref_key(r["url"])) in ids]
        results.sort(key=lambda r: doc_id(ref_key(r["url"])))
        assert len(results) == len(ids), endpoint
        listing = dict(upstream)
        listing.update(count=len(results), next=None, previous=None, results=results)
        files[API_DIR + endpoint + "/index.json"] = dump(listing)

    # Root index: upstream's entries for the endpoints we have.
    present = set(endpoints) | ({"meta"} if "meta" in keep else set())
    root = {name: url for name, url in snap.load("").items() if name in present}
    files[API_DIR + "index.json"] = dump(root)

    # Schemas.
    for rel, data in snap.schema.items():
        if "/" not in rel:
            if rel == "index.json":
                schema = json.loads(data)
                schema["properties"] = {k: v for k, v in schema["properties"].items()
                                        if k in present}
                schema["required"] = [k for k in schema.get("required", []) if k in present]
                data = dump(schema)
            files[SCHEMA_DIR + rel] = data
        elif rel.split("/")[0] in present:
            files[SCHEMA_DIR + rel] = data
    return files, docs, baseline


# --------------------------------------------------------------------------
# Writing and re-reading archives
# --------------------------------------------------------------------------

def write_archive(path, top, files, mtime, comment):
    """Deterministic tar.gz with directory entries, like a GitHub archive."""
    dirs = set()
    for rel in files:
        parts = (top + "/" + rel).split("/")[:-1]
        for n in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:n]) + "/")
    entries = sorted(dirs | {top + "/" + rel for rel in files})

    buf = io.BytesIO()
    pax = {"comment": comment} if comment else {}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers=pax) as tar:
        for name in entries:
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "root", "root"
            if name.endswith("/"):
                info.type, info.mode = tarfile.DIRTYPE, 0o775
                tar.addfile(info)
            else:
                data = files[name[len(top) + 1:]]
                info.mode, info.size = 0o664, len(data)
                tar.addfile(info, io.BytesIO(data))
    with open(path, "wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9,
                           mtime=0) as gz:
            gz.write(buf.getvalue())
    return os.path.getsize(path)


def read_archive(path):
    """Return (top, {relative path: bytes}, set of directory entries)."""
    files, dirs, top = {}, set(), None
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            head, _, rel = member.name.partition("/")
            top = top or head
            if head != top:
                raise AssertionError("%s: more than one top folder" % path)
            if member.isdir():
                dirs.add(rel)
            elif member.isfile():
                files[rel] = tar.extractfile(member).read()
    return top, files, dirs


def validate_archive(path, expected_top):
    """Re-read a written mini and check that it is closed and consistent.
    Returns the documents by key. Raises AssertionError on a problem."""
    top, files, dirs = read_archive(path)
    assert top == expected_top, (top, expected_top)
    for rel in files:  # every file's folders have directory entries
        parts = rel.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            assert "/".join(parts[:n]) in dirs, "no directory entry for " + rel

    api = {rel[len(API_DIR):-len("index.json")].rstrip("/"): json.loads(data)
           for rel, data in files.items() if rel.startswith(API_DIR)}
    for rel, data in files.items():
        if rel.startswith(API_DIR):
            assert data == dump(json.loads(data)), "not upstream formatting: " + rel
    root = api.pop("")
    docs = {k: v for k, v in api.items() if k == "meta" or DOC_KEY_RE.match(k)}
    lists = {k: v for k, v in api.items() if k not in docs}

    # Root index <-> list docs.
    for name, url in root.items():
        assert ref_key(url) == name and (name in lists or name == "meta" and "meta" in docs), name
    assert set(lists) | ({"meta"} if "meta" in docs else set()) == set(root), "root index"
    for endpoint, listing in lists.items():
        members = sorted((k for k in docs if endpoint_of(k) == endpoint
                          and not k.endswith("/encounters")), key=doc_id)
        assert listing["count"] == len(members), endpoint
        assert listing["next"] is None and listing["previous"] is None, endpoint
        assert [ref_key(r["url"]) for r in listing["results"]] == members, endpoint

    # Closure: every reference resolves.
    bad = []
    for key, doc in list(docs.items()) + [("<list %s>" % k, v) for k, v in lists.items()]:
        for url, _ in iter_refs(doc):
            if ref_key(url) not in docs:
                bad.append((key, url))
    assert not bad, "unresolved references: %s" % bad[:20]

    schema_index = json.loads(files[SCHEMA_DIR + "index.json"])
    assert set(schema_index["properties"]) == set(root) == set(schema_index["required"]), "schema index"

    # Schemas: one per included endpoint, plus the shared files.
    endpoints = {endpoint_of(k) for k in docs}
    for endpoint in endpoints:
        assert any(r.startswith(SCHEMA_DIR + endpoint + "/") for r in files), "schema " + endpoint
    for rel, data in files.items():
        if rel.startswith(SCHEMA_DIR):
            json.loads(data)
            for ref in re.findall(rb'"\$ref": "/schema/v2/([^"]+)"', data):
                assert SCHEMA_DIR + ref.decode() in files, "schema $ref %s in %s" % (ref, rel)
    return docs, len(files), len(dirs)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def counts_by_endpoint(keys):
    counts = {}
    for key in keys:
        name = "pokemon/encounters" if key.endswith("/encounters") else endpoint_of(key)
        counts[name] = counts.get(name, 0) + 1
    return counts


def diff_summary(a, b, path="", limit=4):
    """Short list of the JSON paths where a and b differ."""
    out = []

    def walk(a, b, path):
        if len(out) > limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if k not in a or k not in b:
                    out.append("%s.%s %s" % (path, k, "added" if k not in a else "removed"))
                else:
                    walk(a[k], b[k], "%s.%s" % (path, k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) != len(b):
            out.append("%s %d -> %d elements" % (path or "(array)", len(a), len(b)))
        elif isinstance(a, list) and isinstance(b, list):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, "%s[%d]" % (path, i))
        elif a != b:
            out.append("%s %s -> %s" % (path, json.dumps(a), json.dumps(b)))

    walk(a, b, path)
    return out[:limit] + (["..."] if len(out) > limit else [])


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", default=os.path.join(os.path.dirname(repo), "shared", "data", "pokeapi"),
                        help="folder with the upstream api-data-*.tar.gz")
    parser.add_argument("--out", default=os.path.join(repo, "corpus", "src", "test", "resources", "fixtures"),
                        help="folder for the mini archives")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    pokemon_ids = list(SEED_POKEMON)
    while True:
        results = []
        for date, name, sha in SNAPSHOTS:
            src = os.path.join(args.src, name)
            actual = sha256_of(src)
            if actual != sha:
                sys.exit("error: %s has sha256 %s, expected %s" % (src, actual, sha))
            print("reading %s ..." % src, flush=True)
            snap = Snapshot(src)
            files, docs, baseline = cut(snap, date, pokemon_ids)
            top = "api-data-mini-" + date
            out = os.path.join(args.out, top + ".tar.gz")
            size = write_archive(out, top, files, snap.mtime, snap.comment)
            results.append((date, top, out, size, docs, baseline))
            del snap
        if max(r[3] for r in results) <= HARD_MAX_BYTES:
            break
        if not set(SEED_POKEMON_DROPPABLE) & set(pokemon_ids):
            sys.exit("error: archives exceed %d bytes even without %s"
                     % (HARD_MAX_BYTES, SEED_POKEMON_DROPPABLE))
        print("archive over %d bytes: dropping pokemon %s and their chain"
              % (HARD_MAX_BYTES, SEED_POKEMON_DROPPABLE))
        pokemon_ids = [i for i in pokemon_ids if i not in SEED_POKEMON_DROPPABLE]

    print()
    print("seed pokemon: %s" % pokemon_ids)
    (d1, _, _, _, docs1, base1), (d2, _, _, _, docs2, base2) = results
    c1, c2 = counts_by_endpoint(docs1), counts_by_endpoint(docs2)
    print("%-28s %10s %10s" % ("endpoint", d1, d2))
    for endpoint in sorted(set(c1) | set(c2)):
        print("%-28s %10d %10d" % (endpoint, c1.get(endpoint, 0), c2.get(endpoint, 0)))
    print("%-28s %10d %10d" % ("total documents", len(docs1), len(docs2)))

    for date, top, out, size, docs, _ in results:
        flag = "" if size <= TARGET_BYTES else " (over the %d-byte target)" % TARGET_BYTES
        print("%s: %d bytes%s" % (out, size, flag))

    added = sort_keys(set(docs2) - set(docs1))
    removed = sort_keys(set(docs1) - set(docs2))
    changed = [k for k in sort_keys(set(docs1) & set(docs2)) if docs1[k] != docs2[k]]
    upstream = [k for k in changed if base1.get(k) != base2.get(k)]
    by_omission = [k for k in changed if k not in upstream]
    print("\n%s -> %s" % (d1, d2))
    if set(base1) != set(base2):
        print("note: the closures differ: only in %s: %s; only in %s: %s" % (
            d1, sort_keys(set(base1) - set(base2)), d2, sort_keys(set(base2) - set(base1))))
    print("added:   %s" % (", ".join(added) or "-"))
    print("removed: %s" % (", ".join(removed) or "-"))
    print("changed (%d):" % len(changed))
    for k in changed:
        why = "upstream change" if k in upstream else "only through the omissions"
        print("  %-26s %s: %s" % (k, why, "; ".join(diff_summary(docs1[k], docs2[k]))))
    if not upstream:
        print("note: no included document differs upstream after pruning")

    print("\nself-check (re-reading the written archives):")
    for date, top, out, size, docs, _ in results:
        reread, nfiles, ndirs = validate_archive(out, top)
        assert reread == docs, "re-read documents differ from the cut"
        refs = sum(1 for d in reread.values() for _ in iter_refs(d))
        print("  %s: OK - %d files, %d directories, %d documents, %d references, all resolve"
              % (os.path.basename(out), nfiles, ndirs, len(reread), refs))
        p = reread.get("pokemon/25")
        if p:
            types = [t["type"]["name"] for t in p["types"]]
            total = sum(s["base_stat"] for s in p["stats"])
            print("  %s pokemon/25: types %s, base stat total %d" % (date, types, total))


if __name__ == "__main__":
    main()
