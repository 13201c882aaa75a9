"""A small, clean bilingual help center for rule tests, and ways to vary it."""

from __future__ import annotations

from kb.digest import digest_text

EN_FRONT = """\
---
title: Refund a payment
description: Give money back.
products: [payments]
last_reviewed: 2026-11-20
---
"""
# Body lines are file lines 7 onwards.
EN_BODY = """
# Refund a payment

See [payouts](../payouts/schedule.md#holidays).

## Partial refunds

```python
refund(100)  # full amount
```

![Flow](../assets/flow.svg)

!!! warning "Careful"
    Refunds cannot be undone.

| Card | Days |
|---|---|
| Visa | 5 |
"""
JA_FRONT = """\
---
title: 返金
description: 返金します。
products: [payments]
last_reviewed: 2026-11-20
source_digest: {digest}
---
"""
# Body lines are file lines 8 onwards.
JA_BODY = """
# 返金

[入金](../payouts/schedule.md#holidays)を参照してください。

## 一部返金

```python
refund(100)  # 全額
```

![流れ](../assets/flow.svg)

!!! warning "注意"
    返金は取り消せません。

| カード | 日数 |
|---|---|
| Visa | 5 |
"""
SCHEDULE_EN = """\
---
title: Payout schedule
description: When money arrives.
products: [payouts]
last_reviewed: 2026-11-20
---

# Payout schedule

## Holidays

No payouts on holidays.
"""
SCHEDULE_JA_BODY = """
# 入金スケジュール

## 祝日

祝日には入金されません。
"""
PRODUCTS = """\
products:
  - id: payments
    icon: material/credit-card-outline
    name: {en: Card payments, ja: カード決済}
    description: {en: Accept cards., ja: カード決済を受け付けます。}
  - id: payouts
    icon: material/bank-transfer
    name: {en: Payouts, ja: 入金}
    description: {en: Get paid., ja: 売上を入金します。}
"""
EN = "docs/en/payments/refunds.md"
JA = "docs/ja/payments/refunds.md"


def ja_text(body: str = JA_BODY, *, en: str = EN_FRONT + EN_BODY, front: str = JA_FRONT) -> str:
    """A Japanese article whose source_digest matches `en`."""
    return front.format(digest=digest_text(en)) + body


def center() -> dict[str, str | bytes]:
    """The clean help center: every rule passes on it."""
    schedule_ja = (
        "---\ntitle: 入金スケジュール\ndescription: 入金の時期。\nproducts: [payouts]\n"
        f"last_reviewed: 2026-11-20\nsource_digest: {digest_text(SCHEDULE_EN)}\n---\n"
        + SCHEDULE_JA_BODY
    )
    return {
        EN: EN_FRONT + EN_BODY,
        JA: ja_text(),
        "docs/en/payouts/schedule.md": SCHEDULE_EN,
        "docs/ja/payouts/schedule.md": schedule_ja,
        "docs/en/assets/flow.svg": "<svg/>",
        "docs/ja/assets/flow.svg": "<svg/>",
        "products.yml": PRODUCTS,
    }


def varied(changes: dict[str, str | bytes | None]) -> dict[str, str | bytes]:
    """The clean center with files replaced, added or (None) removed."""
    files = center()
    for path, content in changes.items():
        if content is None:
            files.pop(path)
        else:
            files[path] = content
    return files


def ja_replacing(old: str, new: str, *, digest: bool = True) -> str:
    """The Japanese article with one piece of its body replaced."""
    assert old in JA_BODY
    return ja_text(JA_BODY.replace(old, new)) if digest else JA_FRONT + JA_BODY.replace(old, new)


def en_replacing(old: str, new: str) -> str:
    """The English article with one piece of its body replaced."""
    assert old in EN_BODY
    return EN_FRONT + EN_BODY.replace(old, new)
