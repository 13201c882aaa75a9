"""Generate a bilingual help-center corpus in kb's conventions, deterministically.

    python scripts/gen_corpus.py --pairs 1000 --out corpora/n1000 [--seed 1] [--stale 5]
        [--missing 3]

Writes `docs/en/<product>/<slug>.md` and its Japanese twin `docs/ja/<product>/<slug>.md` over
the products of `products.yml` (front matter with title, description, products, last_reviewed;
the Japanese with the correct `source_digest`), an h1 and several h2/h3 sections, lists,
tables, code, admonitions, SVG diagrams per language and internal links with anchors that
resolve. Also writes `products.yml`, `glossary.yml` and a `mkdocs.yml` copied from the
repository's (with `docs_dir: docs`); the Japanese follows the glossary and the style rules.
`--stale K` records a wrong digest in K translations; `--missing K` leaves K translations out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.digest import digest_of
from kb.slugs import slugify

REPO = Path(__file__).resolve().parent.parent

TOPICS = [
    ("refund", "返金"),
    ("payout", "入金"),
    ("invoice", "請求書"),
    ("dispute", "チャージバック"),
    ("subscription", "継続課金"),
    ("payment link", "支払いリンク"),
    ("webhook", "Webhook"),
    ("API key", "APIキー"),
    ("card reader", "カードリーダー"),
    ("bank account", "銀行口座"),
    ("konbini payment", "コンビニ決済"),
    ("bank transfer", "銀行振込"),
    ("statement", "明細書"),
    ("team member", "チームメンバー"),
    ("3-D Secure", "3Dセキュア"),
    ("receipt", "領収書"),
    ("customer", "顧客"),
    ("fee", "手数料"),
    ("tax rate", "税率"),
    ("checkout page", "チェックアウトページ"),
]
ACTIONS = [
    ("Set up", "設定する"),
    ("Change", "変更する"),
    ("Cancel", "キャンセルする"),
    ("Understand", "理解する"),
    ("Review", "確認する"),
    ("Export", "エクスポートする"),
    ("Fix a failed", "失敗した処理を直す: "),
    ("Automate", "自動化する"),
    ("Test", "テストする"),
    ("Troubleshoot", "トラブルシューティング: "),
]
EN_SENTENCES = [
    "Open the dashboard and go to the page for this task.",
    "You need the Owner or Administrator role to change these settings.",
    "Changes apply to new payments only; existing payments keep their settings.",
    "TsubamePay sends you an email when the change takes effect.",
    "Check the amount and the currency before you confirm.",
    "If you use the API, the same change is available with one request.",
    "The dashboard shows the status of each step as you complete it.",
    "Keep a record of the reference number for your accounting.",
    "Customers see the change the next time they pay you.",
    "Most merchants finish this in less than five minutes.",
]
JA_SENTENCES = [
    "ダッシュボードを開き、この作業のページに移動します。",
    "この設定を変更するには、オーナーまたは管理者の権限が必要です。",
    "変更は新しい決済にのみ適用され、既存の決済には影響しません。",
    "変更が有効になると、TsubamePayからメールでお知らせします。",
    "確定する前に、金額と通貨を確認してください。",
    "APIをお使いの場合は、1回のリクエストで同じ変更ができます。",
    "各手順の状況はダッシュボードに表示されます。",
    "経理のために参照番号を控えておいてください。",
    "顧客には、次回の支払いから変更が反映されます。",
    "多くの事業者は5分以内にこの作業を終えています。",
]
PROBLEMS_EN = [
    "The button is greyed out.",
    "The change does not appear.",
    "You see an error message.",
    "The customer is charged twice.",
    "The email never arrives.",
]
PROBLEMS_JA = [
    "ボタンが押せません。",
    "変更が反映されません。",
    "エラーメッセージが表示されます。",
    "顧客に二重に請求されました。",
    "メールが届きません。",
]
STEP_EN = [
    "Select **{topic}** in the menu.",
    "Click **Edit**.",
    "Enter the new details.",
    "Click **Save**.",
    "Confirm with your authenticator app.",
]
STEP_JA = [
    "メニューで**{topic}**を選択します。",
    "**編集**をクリックします。",
    "新しい内容を入力します。",
    "**保存**をクリックします。",
    "認証アプリで確認します。",
]
SUBSECTIONS = [
    ("In the dashboard", "ダッシュボードで"),
    ("With the API", "APIで"),
    ("On the mobile app", "モバイルアプリで"),
    ("For test mode", "テストモードで"),
]
ADMONITIONS = [
    ("warning", "Before you continue", "続行する前に"),
    ("tip", "Save time", "時間を節約するには"),
    ("note", "Good to know", "補足"),
]
CODE = {
    "bash": (
        "curl https://api.tsubamepay.example/v1/{path} \\\n  -u sk_test_123: \\\n"
        "  -d amount=1500  # {comment}"
    ),
    "json": '{{\n  "id": "{path}_123",\n  "amount": 1500,\n  "currency": "jpy"\n}}',
    "python": (
        'import tsubamepay\n\n# {comment}\ntsubamepay.api_key = "sk_test_123"\n'
        'tsubamepay.{path}.create(amount=1500, currency="jpy")'
    ),
}
COMMENTS = [
    ("create the object", "オブジェクトを作成します"),
    ("amounts are in yen", "金額の単位は円です"),
]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">'
    '<rect width="240" height="80" rx="8" fill="#e8eaf6"/>'
    '<text x="120" y="45" text-anchor="middle" font-size="16">{label}</text></svg>\n'
)
DIAGRAMS = [
    ("flow", "Flow", "流れ"),
    ("timeline", "Timeline", "タイムライン"),
    ("settings", "Settings", "設定"),
    ("status", "Status", "ステータス"),
]


@dataclass
class Plan:
    """One article pair, planned before any text is written so links can name real anchors."""

    rel: str
    products: list[str]
    title_en: str
    title_ja: str
    topic: tuple[str, str]
    subsections: list[tuple[str, str]]
    table: bool
    code: str | None
    admonition: tuple[str, str, str] | None
    diagram: tuple[str, str, str] | None
    last_reviewed: dt.date
    links: list[tuple[str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


def plan_corpus(pairs: int, products: list[str], rng: random.Random) -> list[Plan]:
    plans: list[Plan] = []
    used: set[str] = set()
    for number in range(pairs):
        product = products[number % len(products)]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        action = ACTIONS[rng.randrange(len(ACTIONS))]
        title_en = f"{action[0]} {'a ' if action[0].endswith('failed') else ''}{topic[0]}"
        title_ja = (
            f"{topic[1]}を{action[1]}"
            if not action[1].endswith(": ")
            else (f"{action[1]}{topic[1]}")
        )
        slug = slugify(title_en)
        if slug in used or f"{product}/{slug}" in used:
            slug = f"{slug}-{number}"
        used.add(f"{product}/{slug}")
        extra = [products[rng.randrange(len(products))]] if rng.random() < 0.25 else []
        plan = Plan(
            rel=f"{product}/{slug}.md",
            products=[product, *[p for p in extra if p != product]],
            title_en=title_en,
            title_ja=title_ja,
            topic=topic,
            subsections=rng.sample(SUBSECTIONS, rng.randrange(0, 3)),
            table=rng.random() < 0.4,
            code=rng.choice(sorted(CODE)) if rng.random() < 0.4 else None,
            admonition=rng.choice(ADMONITIONS) if rng.random() < 0.5 else None,
            diagram=rng.choice(DIAGRAMS) if rng.random() < 0.35 else None,
            last_reviewed=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(320)),
        )
        plan.ids = _ids(plan)
        plans.append(plan)
    for plan in plans:
        for _ in range(rng.randrange(2, 5)):
            other = plans[rng.randrange(len(plans))]
            if other is plan:
                continue
            anchor = rng.choice(other.ids[1:]) if rng.random() < 0.4 else ""
            plan.links.append((other.rel, anchor))
    return plans


def _ids(plan: Plan) -> list[str]:
    headings = [
        plan.title_en,
        "Before you start",
        "How it works",
        f"{plan.topic[0].capitalize()} step by step",
    ]
    headings += [name for name, _ in plan.subsections]
    if plan.table:
        headings.append("Fees and timing")
    headings += ["If something goes wrong", "Related articles"]
    ids: list[str] = []
    for heading in headings:
        candidate = slugify(heading)
        while candidate in ids:
            candidate += "_1"
        ids.append(candidate)
    return ids


def _relative(source: str, target: str) -> str:
    depth = source.count("/")
    return "../" * depth + target


def render(
    plan: Plan, language: str, rng: random.Random, titles: dict[str, tuple[str, str]]
) -> str:
    en = language == "en"
    pick = (lambda i: i[0]) if en else (lambda i: i[1])
    sentences = EN_SENTENCES if en else JA_SENTENCES
    topic = pick(plan.topic)
    lines = [f"# {plan.title_en if en else plan.title_ja}", ""]
    lines += [" ".join(rng.sample(sentences, 3)), "", " ".join(rng.sample(sentences, 3)), ""]
    lines += ["## Before you start" if en else "## 始める前に", ""]
    lines += [f"- {s}" for s in rng.sample(sentences, 4)] + [""]
    lines += ["## How it works" if en else "## 仕組み", ""]
    lines += [
        " ".join(rng.sample(sentences, 4)),
        "",
        " ".join(rng.sample(sentences, 4)),
        "",
        " ".join(rng.sample(sentences, 3)),
        "",
    ]
    lines += [
        f"## {topic.capitalize() if en else topic} step by step" if en else f"## {topic}の手順",
        "",
    ]
    lines += [" ".join(rng.sample(sentences, 2)), ""]
    steps = STEP_EN if en else STEP_JA
    lines += [f"{n}. {step.format(topic=topic)}" for n, step in enumerate(steps, 1)] + [""]
    lines += [" ".join(rng.sample(sentences, 3)), ""]
    if plan.diagram is not None:
        name, alt_en, alt_ja = plan.diagram
        alt = alt_en if en else alt_ja
        lines += [f"![{alt}]({_relative(plan.rel, f'assets/diagrams/{name}.svg')})", ""]
    if plan.code is not None:
        comment = COMMENTS[len(plan.rel) % len(COMMENTS)]
        body = CODE[plan.code].format(
            path=plan.rel.split("/")[0].replace("-", "_"), comment=pick(comment)
        )
        lines += [f"```{plan.code}", *body.split("\n"), "```", ""]
    for name in plan.subsections:
        lines += [
            f"### {pick(name)}",
            "",
            " ".join(rng.sample(sentences, 3)),
            "",
            " ".join(rng.sample(sentences, 3)),
            "",
        ]
    if plan.admonition is not None:
        kind, title_en, title_ja = plan.admonition
        lines += [
            f'!!! {kind} "{title_en if en else title_ja}"',
            "",
            f"    {rng.choice(sentences)}",
            "",
        ]
    if plan.table:
        lines += ["## Fees and timing" if en else "## 手数料と時期", ""]
        if en:
            lines += [
                "| Item | Fee | When |",
                "|---|---:|---|",
                "| Visa and Mastercard | 3.6% | 4 business days |",
                "| JCB and American Express | 3.95% | 4 business days |",
                "| Konbini | 190 yen | 4 business days |",
                "",
            ]
        else:
            lines += [
                "| 項目 | 手数料 | 時期 |",
                "|---|---:|---|",
                "| VisaとMastercard | 3.6% | 4営業日後 |",
                "| JCBとAmerican Express | 3.95% | 4営業日後 |",
                "| コンビニ決済 | 190円 | 4営業日後 |",
                "",
            ]
    lines += ["## If something goes wrong" if en else "## うまくいかない場合", ""]
    problems = PROBLEMS_EN if en else PROBLEMS_JA
    lines += [
        f"- **{problem}** {' '.join(rng.sample(sentences, 2))}"
        for problem in rng.sample(problems, 3)
    ] + [""]
    lines += ["## Related articles" if en else "## 関連記事", ""]
    for target, anchor in plan.links:
        title = titles[target][0 if en else 1]
        href = _relative(plan.rel, target) + (f"#{anchor}" if anchor else "")
        lines.append(f"- [{title}]({href})")
    return "\n".join(lines) + "\n"


def front_matter(plan: Plan, language: str, digest: str | None) -> str:
    en = language == "en"
    title = plan.title_en if en else plan.title_ja
    description = (
        f"How to {plan.title_en[0].lower()}{plan.title_en[1:]} with TsubamePay."
        if en
        else f"TsubamePayで{plan.title_ja}方法を説明します。"
    )
    lines = [
        "---",
        f"title: {_quote(title)}",
        f"description: {_quote(description)}",
        f"products: [{', '.join(plan.products)}]",
        f"last_reviewed: {plan.last_reviewed.isoformat()}",
    ]
    if digest is not None:
        lines.append(
            f"source_digest: {digest}" if not digest.isdigit() else f'source_digest: "{digest}"'
        )
    return "\n".join([*lines, "---", ""]) + "\n"


def _quote(text: str) -> str:
    return f'"{text}"' if re.search(r"[:#\[\]{}]", text) else text


HOME = {
    "en": "---\ntitle: Help center\ndescription: Answers for TsubamePay merchants.\n"
    "kind: page\n---\n\n# Help center\n\nFind answers by product.\n",
    "ja": "---\ntitle: ヘルプセンター\ndescription: TsubamePayをご利用の事業者向けの回答集です。\n"
    "kind: page\n---\n\n# ヘルプセンター\n\n製品ごとに回答を探せます。\n",
}


def write_corpus(out: Path, pairs: int, seed: int, stale: int, missing: int) -> dict[str, int]:
    rng = random.Random(seed)
    taxonomy_file = REPO / "products.yml"
    taxonomy = yaml.safe_load(taxonomy_file.read_text(encoding="utf-8"))
    products = [entry["id"] for entry in taxonomy["products"]]
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    plans = plan_corpus(pairs, products, rng)
    titles = {plan.rel: (plan.title_en, plan.title_ja) for plan in plans}
    order = list(range(len(plans)))
    rng.shuffle(order)
    stale_set = set(order[:stale])
    missing_set = set(order[stale : stale + missing])
    counts = {"en": 0, "ja": 0, "stale": len(stale_set), "missing": len(missing_set)}
    for language in ("en", "ja"):
        (docs / language).mkdir(parents=True, exist_ok=True)
        (docs / language / "index.md").write_text(HOME[language], encoding="utf-8")
        diagrams = docs / language / "assets" / "diagrams"
        diagrams.mkdir(parents=True, exist_ok=True)
        for name, en_label, ja_label in DIAGRAMS:
            label = en_label if language == "en" else ja_label
            (diagrams / f"{name}.svg").write_text(SVG.format(label=label), encoding="utf-8")
    index_digest = digest_of("Help center", HOME["en"].split("---\n", 2)[2])
    ja_home = HOME["ja"].replace("kind: page\n", f"kind: page\nsource_digest: {index_digest}\n")
    (docs / "ja" / "index.md").write_text(ja_home, encoding="utf-8")
    for number, plan in enumerate(plans):
        body_en = render(plan, "en", random.Random(f"{seed}-{number}"), titles)
        body_ja = render(plan, "ja", random.Random(f"{seed}-{number}"), titles)
        en_file = docs / "en" / plan.rel
        en_file.parent.mkdir(parents=True, exist_ok=True)
        en_file.write_text(front_matter(plan, "en", None) + body_en, encoding="utf-8")
        counts["en"] += 1
        if number in missing_set:
            continue
        digest = digest_of(plan.title_en, body_en)
        if number in stale_set:
            digest = digest_of(plan.title_en, body_en + "\nAn older sentence.\n")
        ja_file = docs / "ja" / plan.rel
        ja_file.parent.mkdir(parents=True, exist_ok=True)
        ja_file.write_text(front_matter(plan, "ja", digest) + body_ja, encoding="utf-8")
        counts["ja"] += 1
    shutil.copyfile(taxonomy_file, out / "products.yml")
    if (REPO / "glossary.yml").is_file():
        shutil.copyfile(REPO / "glossary.yml", out / "glossary.yml")
    (out / "mkdocs.yml").write_text(_mkdocs_config(), encoding="utf-8")
    return counts


def _mkdocs_config() -> str:
    source = REPO / "mkdocs.yml"
    if not source.is_file():
        return MINIMAL_CONFIG
    text = source.read_text(encoding="utf-8")
    if re.search(r"(?m)^docs_dir:", text):
        return re.sub(r"(?m)^docs_dir:.*$", "docs_dir: docs", text)
    return f"docs_dir: docs\n{text}"


MINIMAL_CONFIG = """\
site_name: Generated help center
docs_dir: docs
theme:
  name: material
plugins:
  - i18n:
      docs_structure: folder
      languages:
        - {locale: en, default: true, name: English}
        - {locale: ja, name: 日本語}
  - kb:
      taxonomy: products.yml
markdown_extensions: [admonition, attr_list, tables, toc]
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, required=True, help="article pairs to write")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--stale", type=int, default=0, help="translations with a wrong digest")
    parser.add_argument("--missing", type=int, default=0, help="translations left out")
    args = parser.parse_args(argv)
    if (
        args.pairs < 1
        or args.stale < 0
        or args.missing < 0
        or (args.stale + args.missing > args.pairs)
    ):
        parser.error("--pairs must be positive and cover --stale plus --missing")
    args.out.mkdir(parents=True, exist_ok=True)
    counts = write_corpus(args.out, args.pairs, args.seed, args.stale, args.missing)
    print(
        f"wrote {counts['en']} en + {counts['ja']} ja articles to {args.out} "
        f"({counts['stale']} stale, {counts['missing']} missing)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
