"""Offline checks of examples/scale-out/Containerfile, which cannot be built here (no container
engine): what can be known without building it.

  check_containerfile.py CONTAINERFILE REPOSITORY BUILD_FOLDER CHORUS SCRATCH

- every stage starts from debian:12, the system the project's scripts install on;
- every file or folder a COPY takes from the build context (the repository) exists, and the
  tree it copies into the build stage configures with the flags the build stage gives
  scripts/build.sh (so a folder the build needs cannot be left out);
- every command a RUN starts exists: an in-tree script copied before it, or a program on this
  Debian 12 machine (which scripts/install-deps.sh set up as it sets up the build stage);
- the build stage runs scripts/install-deps.sh, scripts/build.sh and `cmake --install`;
- the runtime stage's packages are real Debian packages (known to dpkg or apt here), and
  they hold every library that the program and the plugins link (DT_NEEDED, resolved by ldd,
  owner by `dpkg -S`);
- what the runtime stage copies from the build stage is what `cmake --install` of this build
  puts there (installed here with the same prefix and DESTDIR), nothing installed for running
  is left behind (only the SDK's headers, static libraries, CMake and pkg-config files are), and
  the installed program finds and loads every installed plugin from its own prefix.

Prints each problem and exits 1 when there is any.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys

from problems import Problems

problems = Problems()
expect = problems.expect


def instructions(path):
    """(KEYWORD, text) of each instruction, continuation lines joined, comments dropped."""
    result, pending = [], ""
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if pending and line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = (pending + line).strip()
            pending = ""
            keyword, _, rest = text.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def stages(path):
    """[{'name', 'image', 'steps': [(KEYWORD, text)]}] in order."""
    found = []
    for keyword, text in instructions(path):
        if keyword == "FROM":
            words = text.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            found.append({"name": name, "image": words[0], "steps": []})
        elif expect(found, f"{keyword} before the first FROM"):
            found[-1]["steps"].append((keyword, text))
    return found


def copy_parts(text):
    words = shlex.split(text)
    options = [word for word in words if word.startswith("--")]
    paths = [word for word in words if not word.startswith("--")]
    origin = next((option.split("=", 1)[1] for option in options if option.startswith("--from=")), None)
    return origin, paths[:-1], paths[-1]


def simple_commands(script):
    """The first word of every simple command of a shell line (assignments skipped)."""
    for command in re.split(r"&&|\|\||;|\|", script):
        words = [word for word in shlex.split(command) if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word)]
        if words:
            yield words


def check_commands(stage, repository, program):
    copied = []
    for keyword, text in stage["steps"]:
        if keyword == "COPY":
            origin, sources, _ = copy_parts(text)
            if origin is None:
                copied += [source.rstrip("/") for source in sources]
        if keyword != "RUN":
            continue
        if text.startswith("["):
            problems.add(f"RUN {text}: the exec form is not checked; use the shell form")
            continue
        for words in simple_commands(text):
            command = words[0]
            if "/" in command and not command.startswith("/"):
                expect(any(command == path or command.startswith(path + "/") for path in copied),
                       f"RUN runs {command} before any COPY brings it into the image")
                expect(os.access(os.path.join(repository, command), os.X_OK),
                       f"RUN runs {command}, which is not an executable file of the repository")
            else:
                expect(command == program or shutil.which(command),
                       f"RUN runs {command}, which is not a command on Debian 12 here")


def configure_copied_tree(build_stage, repository, scratch):
    """The build stage's copy of the repository configures with the build stage's flags. Its
    COPY steps keep the repository's layout (a folder to the same path, a file into its own
    folder), so the same copy is made here."""
    tree = os.path.join(scratch, "context")
    flags = []
    for keyword, text in build_stage["steps"]:
        if keyword == "COPY" and copy_parts(text)[0] is None:
            _, sources, destination = copy_parts(text)
            for source in sources:
                origin = os.path.join(repository, source)
                if not expect(os.path.exists(origin), f"COPY {source}: no such file or folder in the repository"):
                    continue
                folder = source.rstrip("/") if os.path.isdir(origin) else os.path.dirname(source)
                expect((destination.rstrip("/") or ".") == (folder or "."),
                       f"COPY {source} {destination}: the build stage keeps the repository's layout")
                if os.path.isdir(origin):
                    shutil.copytree(origin, os.path.join(tree, source), dirs_exist_ok=True)
                else:
                    os.makedirs(os.path.join(tree, folder), exist_ok=True)
                    shutil.copyfile(origin, os.path.join(tree, source))
        if keyword == "RUN" and "scripts/build.sh" in text:
            words = shlex.split(text.split("scripts/build.sh", 1)[1].split("&&")[0])
            flags = [word for word in words if word.startswith("-D")]
    configure = subprocess.run(["cmake", "-S", tree, "-B", os.path.join(scratch, "configure"), "-G", "Ninja", *flags],
                               capture_output=True, text=True)
    if not expect(configure.returncode == 0,
                  f"the tree the build stage copies does not configure with {flags}:\n{configure.stderr[-3000:]}"):
        return None
    with open(os.path.join(scratch, "configure", "build.ninja"), encoding="utf-8") as file:
        return file.read()


def owners(paths):
    """{path: the Debian package that owns it} for each path, found under its /usr-merged name
    or the other, by one `dpkg -S` for all of them (each call reads dpkg's whole database)."""
    candidates = {}
    for path in paths:
        names = {path, os.path.realpath(path)}
        names |= {name[len("/usr"):] if name.startswith("/usr/") else "/usr" + name for name in list(names)}
        candidates[path] = names
    listing = subprocess.run(["dpkg", "-S", *sorted(set().union(*candidates.values()))],
                             capture_output=True, text=True).stdout
    owner_of = {}
    for line in listing.splitlines():
        package, _, name = line.partition(": ")
        owner_of[name.strip()] = package.split(":")[0]
    return {path: next((owner_of[name] for name in sorted(names) if name in owner_of), None)
            for path, names in candidates.items()}


def linked_packages(binaries):
    """{package: [libraries]} of the DT_NEEDED entries of the binaries."""
    needed = {}
    for binary in binaries:
        dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(["ldd", binary], capture_output=True,
                                                                          text=True).stdout, re.M))
        for name in re.findall(r"\(NEEDED\).*\[(.+)\]", dynamic):
            path = resolved.get(name) or (f"/lib64/{name}" if name.startswith("ld-linux") else None)
            if expect(path, f"{binary}: ldd does not resolve {name}"):
                needed.setdefault(path, set()).add(name)
    by_package = {}
    for path, package in owners(needed).items():
        if expect(package, f"no Debian package owns {path}"):
            by_package.setdefault(package, set()).update(needed[path])
    return by_package


def runtime_packages(stage):
    for keyword, text in stage["steps"]:
        if keyword == "RUN" and "apt-get install" in text:
            words = shlex.split(text.split("apt-get install", 1)[1].split("&&")[0])
            return [word for word in words if not word.startswith("-")]
    return []


def is_debian_package(name):
    installed = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
    if installed.returncode == 0 and "install ok installed" in installed.stdout:
        return True
    return subprocess.run(["apt-cache", "show", name], capture_output=True).returncode == 0


def install_like_the_build_stage(build_stage, build_folder, scratch):
    """Installs this build as the build stage does; returns the DESTDIR and the prefix."""
    run = " ".join(text for keyword, text in build_stage["steps"] if keyword == "RUN" and "cmake --install" in text)
    prefix = re.search(r"-DCMAKE_INSTALL_PREFIX=(\S+)", run)
    destdir = re.search(r"DESTDIR=(\S+) cmake --install", run)
    if not expect(prefix and destdir, "the build stage must give -DCMAKE_INSTALL_PREFIX and DESTDIR= cmake --install"):
        return None, None
    root = os.path.join(scratch, "install")
    environment = dict(os.environ, DESTDIR=root)
    install = subprocess.run(["cmake", "--install", build_folder, "--prefix", prefix.group(1)],
                             env=environment, capture_output=True, text=True)
    expect(install.returncode == 0, f"cmake --install failed:\n{install.stderr[-2000:]}")
    return root, destdir.group(1)


def check_install(runtime_stage, build_stage, build_folder, scratch):
    root, stage_destdir = install_like_the_build_stage(build_stage, build_folder, scratch)
    if root is None:
        return []
    copied = []
    for keyword, text in runtime_stage["steps"]:
        if keyword == "COPY":
            origin, sources, _ = copy_parts(text)
            if origin == build_stage["name"]:
                for source in sources:
                    expect(source.startswith(stage_destdir + "/"), f"COPY --from={origin} {source}: not under DESTDIR {stage_destdir}")
                    local = os.path.join(root, source[len(stage_destdir) + 1:].rstrip("/"))
                    expect(os.path.exists(local), f"COPY --from={origin} {source}: cmake --install puts nothing there")
                    copied.append(local)
    sdk_only = re.compile(r"/(include/.*|lib/[^/]+\.a|lib/cmake/.*|lib/pkgconfig/.*)$")
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not any(path == copy or path.startswith(copy + "/") for copy in copied):
                expect(sdk_only.search(path), f"installed but not copied into the runtime stage: {path[len(root):]}")
    programs = [os.path.join(copy, "chorus") for copy in copied if os.path.isfile(os.path.join(copy, "chorus"))]
    if not expect(programs, "the runtime stage copies no chorus program"):
        return []
    environment = {key: value for key, value in os.environ.items() if key != "CHORUS_PLUGIN_PATH"}
    listing = subprocess.run([programs[0], "plugins"], env=environment, capture_output=True, text=True)
    installed = sorted(name[:-3] for copy in copied for folder, _, files in os.walk(copy)
                       for name in files if name.endswith(".so"))
    expect(installed, "no plugin is installed")
    for plugin in installed:
        expect(re.search(rf"^{re.escape(plugin)}\s+(tap|target|mapper)\s", listing.stdout, re.M),
               f"the installed chorus does not load the installed {plugin}:\n{listing.stdout}{listing.stderr}")
    return installed


def check(containerfile, repository, build_folder, program, scratch):
    found = stages(containerfile)
    for stage in found:
        expect(stage["image"] == "debian:12", f"stage {stage['name']} starts from {stage['image']}, not debian:12")
    if not expect(len(found) == 2 and found[0]["name"], "expected a named build stage, then the runtime stage"):
        return
    build_stage, runtime_stage = found
    build_runs = " ".join(text for keyword, text in build_stage["steps"] if keyword == "RUN")
    for step in ("scripts/install-deps.sh", "scripts/build.sh", "cmake --install"):
        expect(step in build_runs, f"the build stage does not run {step}")
    for stage in found:
        check_commands(stage, repository, "chorus")
    build_rules = configure_copied_tree(build_stage, repository, scratch)

    packages = runtime_packages(runtime_stage)
    expect(packages, "the runtime stage installs no packages")
    for package in packages:
        expect(is_debian_package(package), f"runtime package {package} is not a Debian package")
    plugins_folder = os.environ["CHORUS_PLUGIN_PATH"].split(os.pathsep)[0]
    binaries = [program] + sorted(os.path.join(plugins_folder, name) for name in os.listdir(plugins_folder)
                                  if name.endswith(".so"))
    for package, libraries in sorted(linked_packages(binaries).items()):
        expect(package in packages, f"the runtime stage lacks {package} (for {', '.join(sorted(libraries))})")

    installed = check_install(runtime_stage, build_stage, build_folder, scratch)
    if build_rules is not None:
        for plugin in installed:
            expect(f"plugins/{plugin}.so" in build_rules,
                   f"the tree the build stage copies does not build {plugin}, which this repository installs")


def main():
    check(*sys.argv[1:6])
    problems.report("the Containerfile passes every offline check")


if __name__ == "__main__":
    main()
