"""The insight command line: a thin shell over the library.

Data goes to stdout; progress and logs to stderr. Errors exit 1 with one line naming the fix
(the traceback only with --debug); usage errors exit 2. Heavy libraries load inside commands.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from insight import __version__
from insight.errors import InsightError
from insight.resources import EMBEDDERS as EMBEDDER_CHOICES
from insight.stages.nlp import SUPPORTED_LANGUAGES

KINDS = ("reviews", "transcripts", "social", "customers", "identities")
#: ``analyze --rescore`` choices (insight.pipeline.RESCORABLE and "all")
RESCORE_CHOICES = ("sentiment", "aspects", "all")


class InsightGroup(click.Group):
    """Turns InsightError into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InsightError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:  # pragma: no cover - interactive
            click.echo("Interrupted: what was committed is kept; run the command again to finish.", err=True)
            ctx.exit(130)


def db_option(f):
    return click.option("--db", default="insight.duckdb", show_default=True, envvar="INSIGHT_DB",
                        help="DuckDB store file (env INSIGHT_DB).")(f)


def _open(db: str, *, read_only: bool = False):
    from insight.store import Store

    return Store(db, read_only=read_only)


def _read_lines(source: str) -> list[str]:
    """One text per line from FILE or '-' (stdin); blank lines are skipped."""
    if source == "-":
        data = sys.stdin.read()
    else:
        path = Path(source)
        if not path.exists():
            from insight.errors import InputError

            raise InputError(f"{source}: file not found. Pass a text file with one text per line, or - for stdin.")
        data = path.read_text(encoding="utf-8-sig")
    return [line.strip() for line in data.splitlines() if line.strip()]


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@click.group(cls=InsightGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="insight")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """insight: find what customers don't say out loud in reviews, support transcripts and social posts.

    Typical use: `insight run config.toml`, or `insight ingest ...` then `insight analyze`,
    then `insight issues` and `insight profiles`.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# -- ingest ------------------------------------------------------------------------------------------
def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for item in values:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"expected field=column (got {item!r})", param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping


def _parse_scale(value: str) -> tuple[float, float]:
    low, sep, high = value.partition("-")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise click.BadParameter(f"expected LOW-HIGH such as 1-10 (got {value!r})", param_hint="--rating-scale") from None
    if not sep or lo >= hi:
        raise click.BadParameter(f"expected LOW-HIGH with LOW < HIGH (got {value!r})", param_hint="--rating-scale")
    return lo, hi


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Use COLUMN for FIELD (repeatable).")
@click.option("--encoding", help="File encoding when it is not UTF-8 (e.g. latin-1, cp1252).")
@click.option("--rating-scale", default="1-5", show_default=True, help="Rating scale of the file, e.g. 1-10 or 0-100.")
@click.option("--strict", is_flag=True, help="Fail on the first rejected row instead of storing it in rejects.")
@click.option("--replace", is_flag=True,
              help="customers: replace each customer's stored attributes instead of merging the file's columns in.")
@click.option("--date-format", metavar="FORMAT",
              help="How the file writes dates, as a strptime format (e.g. %d/%m/%Y) when day and month are ambiguous.")
@db_option
def ingest(kind, files, maps, encoding, rating_scale, strict, replace, date_format, db):
    """Ingest FILES of one KIND (reviews, transcripts, social, customers, identities) into the store.

    Formats: CSV, TSV, JSON, JSONL, Parquet, and .gz. Re-ingesting the same file adds nothing; a record
    whose fields changed is updated. Prints (stderr) the column used for each field and the columns
    ignored. Bad rows go to the rejects table (see `insight rejects`).
    """
    from insight.jobs import ingest_files

    from insight.store import open_store

    mapping = _parse_map(maps)
    scale = _parse_scale(rating_scale)
    with open_store(db) as store:  # a store this command created is removed again if the ingest fails
        summaries = ingest_files(store, kind, list(files), mapping=mapping or None, encoding=encoding,
                                 rating_scale=scale, strict=strict, replace=replace,
                                 date_format=date_format)
    for s in summaries:
        for line in s.column_lines():
            click.echo(line, err=True)
        click.echo(s.line())
    total = sum(s.rejected for s in summaries)
    if total:
        click.echo(f"{total} rejected row(s) stored in the rejects table: `insight rejects --db {db}` lists them.", err=True)
    if any(s.invalid_utf8 for s in summaries) and not encoding:
        click.echo("Some rows are not valid UTF-8: if the file is in another encoding, re-run with "
                   "--encoding latin-1 (or cp1252, or the file's real encoding).", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@db_option
def rejects(fmt, db):
    """List rejected input rows with file, line, field, value and reason."""
    with _open(db, read_only=True) as store:
        frame = store.rejects_listing()
    if fmt == "csv":
        from insight.report.safe import csv_frame

        click.echo(csv_frame(frame).to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", indent=2))
    elif len(frame) == 0:
        click.echo("no rejected rows")
    else:
        import pandas as pd

        for r in frame.itertuples():
            span = f"{r.line}-{int(r.last_line)}" if pd.notna(r.last_line) and r.last_line > r.line else f"{r.line}"
            click.echo(f"{r.source_file}:{span}: {r.field}: {r.reason} (got {r.value!r})")


# -- analyze / run / demo ----------------------------------------------------------------------------
def _quiet_third_party(quiet: bool) -> None:
    """--quiet silences the model libraries' own bars too ("Loading weights" from transformers reads
    huggingface_hub's switch when it is first imported)."""
    if quiet:
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        if "transformers" in sys.modules:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()


@main.command()
@click.option("--batch-size", default=256, show_default=True, help="Records per committed batch.")
@click.option("--runner", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where stages run: in this process, or on Ray Data (pip install 'insight[ray]').")
@click.option("--ray-address", envvar="RAY_ADDRESS", default=None, metavar="HOST:PORT",
              help="With --runner ray: the Ray cluster to use (default $RAY_ADDRESS; none: start a local one).")
@click.option("--ray-workers", type=click.IntRange(1), default=2, show_default=True,
              help="With --runner ray: model actors per stage (each loads the models once).")
@click.option("--quiet", is_flag=True, help="Nothing on stderr but errors (no bars, no warnings).")
@click.option("--embedder", type=click.Choice(EMBEDDER_CHOICES), default=None,
              help="Sentence embedder for topics (default: the store's, else $INSIGHT_EMBEDDER, else by the "
                   "customers' languages: multilingual-e5-small when 5% or more write in another supported "
                   "language, all-MiniLM for English). A store keeps the embedder it started with.")
@click.option("--rescore", type=click.Choice(RESCORE_CHOICES), is_flag=False, flag_value="all", default=None,
              metavar="[sentiment|aspects|all]",
              help="Recompute, in place and resumably, what a stage did with an older model "
                   "(no value: every model-driven stage).")
@db_option
def analyze(batch_size, runner, ray_address, ray_workers, quiet, embedder, rescore, db):
    """Analyse what is new since the last run: sentences, sentiment, aspects, topics, pain points, profiles."""
    given = click.get_current_context().get_parameter_source
    if runner != "ray" and any(given(o) == click.core.ParameterSource.COMMANDLINE for o in ("ray_address", "ray_workers")):
        raise click.UsageError("--ray-address and --ray-workers need --runner ray.")
    _quiet_third_party(quiet)
    from insight.pipeline import Models
    from insight.pipeline import analyze as run_analyze

    with _open(db) as store:
        counts = run_analyze(store, models=Models(embedder=embedder), batch_size=batch_size, progress=not quiet,
                             runner=runner, rescore=rescore, ray_address=ray_address, ray_workers=ray_workers)
    if not quiet:
        _warn_stale(counts.get("stale_models"), db)
    click.echo(json.dumps(counts, default=str))


def _warn_stale(stale: dict | None, db: str) -> None:
    """One stderr line per stage whose stored results come from another model than the shipped one."""
    for stage, by_model in (stale or {}).items():
        olds = ", ".join(f"{n} by {m}" for m, n in by_model.items())
        click.echo(f"{stage}: {sum(by_model.values())} records were scored by an older model ({olds}); "
                   f"`insight analyze --rescore {stage} --db {db}` recomputes them.", err=True)


@main.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--quiet", is_flag=True, help="Nothing on stderr but errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Summary as text or JSON [default: text on a terminal, else json].")
@click.option("--db", default=None, envvar="INSIGHT_DB",
              help="DuckDB store file (default: the config's db; env INSIGHT_DB).")
def run(config, quiet, fmt, db):
    """One shot from CONFIG.toml: ingest every source, analyse, write the reports."""
    _quiet_third_party(quiet)
    from insight.jobs import run_config

    result = run_config(config, progress=not quiet, db=db)
    if (fmt or ("text" if sys.stdout.isatty() else "json")) == "json":
        click.echo(json.dumps({"db": result["db"], **result["outputs"]}, indent=2))
    else:
        _echo_finished("insight run", result)


def _echo_finished(what: str, result: dict) -> None:
    click.echo(f"{what} finished:")
    click.echo(f"  {'store:':<18} {result['db']}")
    for name, path in result["outputs"].items():
        click.echo(f"  {name + ':':<18} {path}")


@main.command()
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--out", "out_dir", default=os.path.join("out", "demo"), show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo's store and reports (relative to the current directory).")
def demo(quiet, out_dir):
    """Run the main job on the bundled demo corpus and print where the outputs are."""
    _quiet_third_party(quiet)
    from insight.jobs import DEMO_CONFIG, run_config

    out = Path(out_dir)
    result = run_config(DEMO_CONFIG, progress=not quiet, db=str(out / "insight.duckdb"), out_dir=out)
    _echo_finished("insight demo", result)


# -- reports -------------------------------------------------------------------------------------------
@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md", "html"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--since", help="Only mentions on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only mentions on or before this date (YYYY-MM-DD).")
@click.option("--channel", type=click.Choice(["review", "support", "social"]), help="Only this channel.")
@click.option("--product", help="Only this product.")
@click.option("--segment", help="Only customers of this CRM segment.")
@click.option("--top", default=15, show_default=True, help="How many pain points.")
@click.option("--label-language", type=click.Choice(SUPPORTED_LANGUAGES),
              help="Show labels in this language: each pain point's label is chosen from its mentions written in "
                   "it (one with none keeps its own).")
@db_option
def issues(fmt, out, since, until, channel, product, segment, top, label_language, db):
    """The recurring-issue report: pain points ranked, with parts, trends, channels and quotes."""
    from insight.report import issues as report

    with _open(db, read_only=True) as store:
        data = report.build_report(store, since=since, until=until, channel=channel, product=product,
                                   segment=segment, top=top, label_language=label_language)
    render = {"table": report.render_table, "json": report.render_json, "md": report.render_md,
              "html": report.render_html}[fmt]
    _write(render(data), out)


@main.command()
@click.argument("customer_id")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
def profile(customer_id, fmt, out, db):
    """One customer's profile: identity, behaviour, motives, requests, pain points with resolution status,
    unstated needs, churn risk; --format html writes a self-contained page in the CX profile template."""
    from insight.report.profiles import get_profile, render_profile_html, render_profile_md

    with _open(db, read_only=True) as store:
        p = get_profile(store, customer_id)
    if fmt == "json":
        _write(json.dumps(p, indent=2, ensure_ascii=False) + "\n", out)
    else:
        _write(render_profile_md(p) if fmt == "md" else render_profile_html(p), out)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md", "csv"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--top", default=0, show_default=True, help="How many feature requests (0: all).")
@db_option
def requests(fmt, out, top, db):
    """Feature requests and wishes across customers, grouped by what is asked for, with counts."""
    from insight.report import requests as report
    from insight.report.profiles import iter_profiles

    with _open(db, read_only=True) as store:
        found = report.group_requests(iter_profiles(store))
    if top:
        found = found[:top]
    render = {"table": report.render_table, "md": report.render_md, "csv": report.render_csv,
              "json": lambda r: json.dumps(r, indent=2, ensure_ascii=False)}[fmt]
    _write(render(found), out)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
def profiles(fmt, out, db):
    """Every customer profile, as JSON Lines, a flat CSV, or Parquet."""
    from insight.report.profiles import write_profiles

    with _open(db, read_only=True) as store:
        n = write_profiles(store, out, fmt=fmt)
    if out:
        click.echo(f"wrote {n} profiles to {out}", err=True)


# -- ad-hoc models -------------------------------------------------------------------------------------
@main.command()
@click.argument("source", default="-")
@click.option("--batch-size", default=64, show_default=True)
def sentiment(source, batch_size):
    """Sentiment of each line of SOURCE (a file, or - for stdin): one JSON object per line out."""
    from insight import resources
    from insight.stages.sentiment import score_texts

    texts = _read_lines(source)
    model = resources.load_sentiment()
    for text, res in zip(texts, score_texts(texts, model=model, batch_size=batch_size), strict=True):
        click.echo(json.dumps({"text": text, **res}, ensure_ascii=False))


@main.command()
@click.option("--verify", is_flag=True, help="Hash every model file against the sha256 recorded when the wheel was built.")
def models(verify):
    """The shipped models: stage, name@version and folder (--verify: check each file's sha256)."""
    from insight.errors import ModelUnavailableError
    from insight.resources import model_inventory

    rows = model_inventory(verify=verify)
    for r in rows:
        what = f"{r['name']}@{r['version']}" if r["name"] else "missing"
        click.echo(f"{r['stage']:<10} {what:<32} {r['path']}" + (f"  [{r['check']}]" if r["check"] else ""))
    if any(r["check"] == "missing" or str(r["check"]).startswith("MISMATCH") for r in rows):
        raise ModelUnavailableError("models: a model folder is missing or a file does not match its recorded "
                                    "sha256. Reinstall insight, or restore models/ from git.")


@main.group(invoke_without_command=True)
@db_option
@click.pass_context
def topics(ctx, db):
    """List stored topics (id, size, label; "-> N" when grouped under topic N); subcommands show,
    assign, discover, merge, rename, split and ignore."""
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        with _open(db, read_only=True) as store:
            frame = store.active_topics()
        if len(frame) == 0:
            click.echo("no topics yet: run `insight analyze` first")
        for r in frame.itertuples():
            group = "" if _missing(r.merged_into) else f"  -> {int(r.merged_into)}"
            click.echo(f"{r.topic_id:>4}  {r.size:>6}  {_one_line(r.label)}{group}")


def _missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _one_line(text) -> str:
    """Multi-line customer text on one line, for listings."""
    return " ".join(str(text).split())


def sub_db_option(f):
    return click.option("--db", "sub_db", default=None, envvar=None,
                        help="DuckDB store file (default: the --db given to `insight topics`, else insight.duckdb).")(f)


def _db(ctx, sub_db):
    return sub_db or ctx.obj["db"]


@topics.command("show")
@click.argument("topic_id", type=int)
@click.option("--limit", default=20, show_default=True, help="How many records to show.")
@sub_db_option
@click.pass_context
def topics_show(ctx, topic_id, limit, sub_db):
    """One topic with its keywords, group and records."""
    from insight.errors import InputError

    with _open(_db(ctx, sub_db), read_only=True) as store:
        t = store.topic(topic_id)
        if t is None:
            raise InputError(f"topics show: no topic {topic_id} (got {topic_id!r}). List them with `insight topics`.")
        rows = store.topic_records(topic_id, limit)
    subs = t["sub_themes"]
    click.echo(f"topic {t['topic_id']}: {_one_line(t['label'])} ({t['sentences']} sentences)")
    if not _missing(t["merged_into"]):
        click.echo(f"grouped under topic {int(t['merged_into'])}")
    if len(subs):
        click.echo("sub-themes: " + "; ".join(f"{r.topic_id} {_one_line(r.label)}" for r in subs.itertuples()))
    click.echo("keywords: " + ", ".join(json.loads(t["keywords"])))
    for r in rows.itertuples():
        click.echo(f"  {str(r.created_at)[:10]}  {r.channel:<8} {r.customer_id or '-':<10} {_one_line(r.text)}")


def _after_edit(store, what: str) -> None:
    from insight.pipeline import refresh_insights

    refresh_insights(store, store.last_run()["run_id"])
    click.echo(what)


@topics.command("merge")
@click.argument("topic_ids", nargs=-1, type=int, required=True)
@click.option("--label", help="Label of the merged group (default: keep the first topic's).")
@sub_db_option
@click.pass_context
def topics_merge(ctx, topic_ids, label, sub_db):
    """Merge topics into the first one's group (kept and re-applied on later runs)."""
    from insight import curation

    with _open(_db(ctx, sub_db)) as store:
        curation.merge(store, list(topic_ids), label=label)
        _after_edit(store, f"merged {', '.join(map(str, topic_ids[1:]))} into topic {topic_ids[0]}"
                           + (f" as {label!r}" if label else ""))


@topics.command("rename")
@click.argument("topic_id", type=int)
@click.argument("label")
@sub_db_option
@click.pass_context
def topics_rename(ctx, topic_id, label, sub_db):
    """Give a topic (and the group it leads) the label LABEL (kept and re-applied on later runs)."""
    from insight import curation

    with _open(_db(ctx, sub_db)) as store:
        curation.rename(store, topic_id, label)
        _after_edit(store, f"topic {topic_id} is now {' '.join(label.split())!r}")


@topics.command("ignore")
@click.argument("topic_id", type=int)
@sub_db_option
@click.pass_context
def topics_ignore(ctx, topic_id, sub_db):
    """Never make a pain point of this topic (or the group it leads): greetings, praise, noise."""
    from insight import curation

    with _open(_db(ctx, sub_db)) as store:
        curation.ignore(store, topic_id)
        _after_edit(store, f"topic {topic_id} is ignored as a pain point")


@topics.command("split")
@click.argument("topic_id", type=int)
@click.option("--seed", default=42, show_default=True)
@sub_db_option
@click.pass_context
def topics_split(ctx, topic_id, seed, sub_db):
    """Re-cluster one topic in two: the larger part keeps the id, the other becomes a new topic."""
    from insight import curation, resources

    with _open(_db(ctx, sub_db)) as store:
        result = curation.split(store, topic_id, embedder=resources.load_embedder(), seed=seed)
        k, n = result["kept"], result["new"]
        _after_edit(store, f"topic {k['topic_id']} kept {k['size']} sentences; new topic {n['topic_id']} "
                           f"{_one_line(n['label'])!r} has {n['size']}")


@topics.command("assign")
@click.argument("source", default="-")
@sub_db_option
@click.pass_context
def topics_assign(ctx, source, sub_db):
    """Assign each line of SOURCE to the saved topics: one JSON object per line (topic_id, label, probability)."""
    from insight.jobs import assign_topics

    texts = _read_lines(source)
    with _open(_db(ctx, sub_db), read_only=True) as store:
        for row in assign_topics(store, texts):
            click.echo(json.dumps(row))


@topics.command("discover")
@click.argument("source", default="-")
@click.option("--min-topic-size", type=int, help="Smallest topic (default scales with the number of texts).")
@click.option("--seed", default=42, show_default=True)
@click.option("--embedder", type=click.Choice(EMBEDDER_CHOICES), default=None,
              help="Sentence embedder (default: $INSIGHT_EMBEDDER, else by the lines' languages: "
                   "multilingual-e5-small when 5% or more are in another supported language).")
def topics_discover(source, min_topic_size, seed, embedder):
    """Fit topics on the lines of SOURCE alone (nothing stored): one JSON object per line."""
    from insight import resources
    from insight.ingest.language import embedder_for_texts
    from insight.stages.topics import discover_texts

    texts = _read_lines(source)
    model = resources.load_embedder(name=embedder or embedder_for_texts(texts))
    for text, res in zip(texts, discover_texts(texts, embedder=model, min_topic_size=min_topic_size, seed=seed),
                         strict=True):
        click.echo(json.dumps({"text": text, **res}, ensure_ascii=False))


# -- personas ------------------------------------------------------------------------------------------
@main.group()
def persona():
    """Enrich a team's personas file from the profiles, or derive segments from the data."""


@persona.command("enrich")
@click.argument("personas_file", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(), help="JSON file (--format json) or folder of pages (--format md or html); "
                                                "default stdout (html needs --out).")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="json", show_default=True)
@db_option
def persona_enrich(personas_file, out, fmt, db):
    """Add size, demographics, pain points, needs, values, channels, churn risk, value and quotes to each persona."""
    from insight import personas as P
    from insight.jobs import enrich_personas

    P.load_personas(personas_file)  # a bad file is reported before the store is opened
    if fmt == "html" and not out:
        raise click.UsageError("--format html writes one page per persona (got no --out). Add --out FOLDER.")
    with _open(db) as store:
        enriched = enrich_personas(store, personas_file)
    if fmt == "json":
        _write(json.dumps(enriched, indent=2, ensure_ascii=False, default=str) + "\n", out)
    elif out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for p in enriched:
            page = P.render_md(p) if fmt == "md" else P.render_html(p)
            (folder / f"{P.slug(p['name'])}.{fmt}").write_text(page, encoding="utf-8")
        click.echo(f"wrote {len(enriched)} persona pages to {folder}", err=True)
    else:
        click.echo("\n---\n\n".join(P.render_md(p) for p in enriched), nl=False)


@persona.command("derive")
@click.option("--k", "k", default=4, show_default=True, help="How many segments to propose.")
@click.option("--seed", default=42, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the personas YAML here (default stdout).")
@db_option
def persona_derive(k, seed, out, db):
    """Propose K segments from behaviour, value, topics and sentiment, as an editable personas YAML."""
    import yaml

    from insight import personas as P
    from insight.report.profiles import iter_profiles

    with _open(db, read_only=True) as store:
        profiles = list(iter_profiles(store))
    derived = P.derive(profiles, k=k, seed=seed)
    _write(yaml.safe_dump({"personas": derived}, sort_keys=False, allow_unicode=True), out)


if __name__ == "__main__":  # pragma: no cover
    main()
