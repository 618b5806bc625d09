"""Status of a cited regulation at the draft's date: repealed (with its successor), not yet issued or in force,
or an amended version cited by its year."""

from __future__ import annotations

from datetime import date

from assistant.citations.catalog import CatalogEntry, parse_date
from assistant.citations.citation import Citation
from assistant.citations.messages import CitationRules


def version_status(entry: CatalogEntry, year: int, when: date) -> tuple[str, str | None]:
    """Status of the version of `year` at `when`: (已修改|现行有效|unknown, newer version label)."""
    years = entry.version_years()
    if not entry.events and len(entry.versions) < 2:
        # No version history recorded: only a year before the title existed is known to be wrong.
        first = parse_date(entry.first_date)
        return ("unknown", None) if first and year < first.year else ("现行有效", None)
    if year not in years:
        return "unknown", None
    in_effect = sorted(x for x in _later_versions(entry, year) if x[0] <= when)
    if in_effect:
        return "已修改", f"{in_effect[-1][1]}年"
    return "现行有效", None


def _later_versions(entry: CatalogEntry, year: int) -> list[tuple[date, int]]:
    """(date it took effect, year) of every version newer than `year`."""
    later: list[tuple[date, int]] = []
    for v in entry.versions:
        published = parse_date(v.get("publish_date"))
        d = parse_date(v.get("effective_date")) or published
        if d and published and published.year > year:
            later.append((max(d, published), published.year))
    effective_of = {v.get("publish_date"): v.get("effective_date") for v in entry.versions}
    effective_of.setdefault(entry.publish_date, entry.effective_date)
    for e in entry.events:
        d = parse_date(e["date"])
        if d and d.year > year and e["event"] in ("修正", "修订"):
            # An amendment counts from its effective date when the catalog knows it (公司法 2023: 2024-07-01).
            eff = parse_date(effective_of.get(e["date"]))
            later.append((max(d, eff) if eff else d, d.year))
    if entry.publish_date:
        d = parse_date(entry.effective_date if entry.effective_date and entry.effective_date >= entry.publish_date
                       else entry.publish_date)
        if d and int(entry.publish_date[:4]) > year:
            later.append((d, int(entry.publish_date[:4])))
    return later


def judge_status(c: Citation, entry: CatalogEntry, version: int | None, when: date, date_label: str,
                 rules: CitationRules) -> None:
    """Fill status / in_force / replaced_by of `c` and add the findings they call for."""
    status, in_force = entry.status_at(when)
    c.status, c.in_force = status, in_force
    basis = entry.basis or entry.note
    day = when.isoformat()
    if status == "已废止":
        c.replaced_by, c.replaced_chain = entry.replaced_by, list(entry.chain)
        since = f"已于{entry.repealed_date}" if entry.repealed_date else "已"
        successor = f"，由《{entry.replaced_by}》取代" if entry.replaced_by else ""
        if entry.chain:
            successor += f"，现行为《{entry.chain[-1]}》"
        elif entry.replaced_by:
            successor = f"，现行为《{entry.replaced_by}》"
        now = entry.chain[-1] if entry.chain else entry.replaced_by
        c.add_finding(rules.finding("repealed", entry_basis=basis, title=entry.title, since=since,
                                    successor=successor, date_label=date_label, date=day,
                                    fix=f"改引《{now}》" if now else "删除或改引现行规定"))
        if now and not c.suggestion:
            c.suggestion = now
        return
    if status == "尚未施行":
        first = parse_date(entry.first_date)
        if first and when < first:
            effective = f"，{entry.effective_date}起施行" if entry.effective_date else ""
            c.add_finding(rules.finding("not_issued", entry_basis=basis, title=entry.title, date_label=date_label,
                                        date=day, first=entry.first_date, effective=effective))
        else:
            c.add_finding(rules.finding("not_effective", entry_basis=basis, title=entry.title,
                                        date_label=date_label, date=day, effective=entry.effective_date))
        return
    if version is not None:
        vstatus, newer = version_status(entry, version, when)
        if vstatus == "已修改":
            c.status, c.in_force = "已修改", False
            c.add_finding(rules.finding("amended", entry_basis=basis, title=entry.title, year=version, newer=newer))
        elif vstatus == "unknown":
            c.add_finding(rules.finding("no_version", entry_basis=basis, title=entry.title, year=version))
