"""Every field the seed parser pulls out, checked on all five seed articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from annotate.importers.base import ParsedArticle
from annotate.importers.read import read_file

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def parse(name: str) -> ParsedArticle:
    path = SEEDS / name
    [article] = read_file(path.name, path.read_bytes())
    return article


def removed(article: ParsedArticle, kind: str) -> list[str]:
    return [r["text"] for r in article.metadata["removed"] if r["kind"] == kind]


def test_it_reads_a_header_with_a_word_after_the_date_as_a_label_not_body() -> None:
    a = parse("000_058b1d5b5daf920e.txt")
    assert a.published_on == dt.date(2025, 10, 28)
    assert a.metadata["date_source"] == "header"
    assert a.metadata["header"]["rest_kind"] == "label"
    assert removed(a, "label") == ["Video"]
    assert not a.text.startswith("Video")
    assert a.text.startswith("Министр обороны России Андрей Белоусов")
    assert a.title == ""  # the first line is a paragraph, not a headline
    assert a.outlet == ""  # nothing names the outlet: unknown, not guessed
    assert a.url == ""
    assert a.languages == ["ru"]
    assert a.text.count("\n\n") == 8  # nine paragraphs


def test_it_keeps_the_start_of_the_body_that_shares_the_header_line() -> None:
    a = parse("001_720035ddf12cb8ee.txt")
    assert a.published_on == dt.date(2025, 12, 23)
    assert a.metadata["header"]["rest_kind"] == "body"
    assert a.text.startswith("БЕЙРУТ, 23 - РИА Новости. Глава МИД Сирии Асаад аш-Шибани")
    assert a.outlet == "RIA Novosti"
    assert a.outlet_kind == "agency"
    assert a.metadata["outlet"]["credited_as"] == "РИА Новости"
    assert a.metadata["outlet"]["source"] == "dateline"
    assert a.languages == ["ru"]


def test_it_normalises_the_non_breaking_hyphen_in_seed_001() -> None:
    a = parse("001_720035ddf12cb8ee.txt")
    assert "\u2011" in a.raw_text
    assert "\u2011" not in a.text
    assert "Ахмед Аш-Шараа" in a.text


def test_it_reads_an_arabic_article_without_header_with_a_russian_tweet() -> None:
    a = parse("002_60dedeba1ea355cf.txt")
    assert a.metadata["header"] is None
    assert a.published_on == dt.date(2025, 10, 28)  # "October 28, 2025" in the tweet credit
    assert a.metadata["date_source"] == "text"
    assert a.outlet == ""
    assert a.title == ""
    assert a.languages[0] == "ar"
    assert set(a.languages) == {"ar", "ru", "en"}
    paragraphs = a.metadata["paragraphs"]
    by_text = {a.text[p["start"] : p["end"]][:20]: p["languages"] for p in paragraphs}
    assert by_text["Андрей Белоусов пров"] == ["ru"]
    assert by_text["Видео: Минобороны Ро"] == ["ru", "en"]
    assert all(p["languages"] == ["ar"] for p in paragraphs if a.text[p["start"]] in "-كوم")


def test_it_collapses_the_repeated_title_and_body_of_seed_003() -> None:
    a = parse("003_b2ce593ff39a41d2.txt")
    title = "بيلاؤوسوف يلتقي مع وزير الدفاع السوري في موسكو"
    assert a.title == title
    assert a.raw_text.count(title) == 3  # three title lines
    assert a.text.count(title) == 1
    assert a.text.startswith(title + "\n\n")
    assert a.url.startswith("https://sarabic.ae/20251028/")
    assert a.outlet == "Sputnik Arabic"
    assert a.outlet_domain == "sarabic.ae"
    assert a.published_on == dt.date(2025, 10, 28)
    # The body is printed twice (once glued into one paragraph); each sentence stays once.
    for sentence in (
        "يسرني رؤيتكم مجددا في موسكو",
        "نوقشت سبل التنفيذ العملي لمجالات التعاون الثنائي الواعدة",
        "أعلنت وزارة الدفاع الروسية، اليوم الثلاثاء",
    ):
        assert a.raw_text.count(sentence) == 2
        assert a.text.count(sentence) == 1
    # The fuller second copy is the one kept: it has a sentence the first lacks.
    assert "وأشار بيلاؤوسوف إلى أن اللقاء بين الرئيسين" in a.text
    # A line broken before its comma is joined back into its sentence.
    assert "على مدى عقود طويلة، مشيرًا إلى أن" in a.text


def test_it_moves_timestamps_images_links_and_credits_of_seed_003_into_metadata() -> None:
    a = parse("003_b2ce593ff39a41d2.txt")
    assert removed(a, "timestamp") == [
        "2025-10-28T16:32+0000",
        "2025-10-28T16:32+0000",
        "2025-10-28T16:46+0000",
        "16:32 GMT 28.10.2025 (تم التحديث: 16:46 GMT 28.10.2025)",
    ]
    assert removed(a, "image")[0].startswith("https://cdn.img.sarabic.ae/img/")
    assert removed(a, "link")[0].startswith("https://sarabic.ae/20251015/")
    assert removed(a, "credit") == ["سبوتنيك عربي", "28.10.2025, سبوتنيك عربي"]
    for junk in ("2025-10-28T16:32", "cdn.img", "https://", "16:32 GMT", "سبوتنيك عربي"):
        assert junk not in a.text
    assert a.languages == ["ar"]


def test_it_reads_the_site_dateline_and_drops_the_boilerplate_of_seed_004() -> None:
    a = parse("004_2cd45ebb1451c2a5.txt")
    assert a.title == "وفد من الدفاع الروسية في دمشق.. لبحث التعاون العسكري"
    assert a.published_on == dt.date(2025, 11, 16)
    assert a.metadata["date_source"] == "dateline"
    assert a.outlet == "Al-Modon"
    assert a.metadata["outlet"]["credited_as"] == "المدن"
    assert removed(a, "dateline") == ["المدن - عرب وعالمالأحد 2025/11/16"]
    assert removed(a, "image") == ["Image-1763312811"]
    assert removed(a, "boilerplate") == [
        "حجم الخط",
        "مشاركة عبر",
        "Loading...",
        "تابعنا عبر مواقع التواصل الإجتماعي",
        "إشترك في النشرة الإخبارية ليصلك كل جديد",
        "اشترك معنا في نشرة المدن الدورية لتبقى على اتصال دائم بالحدث",
    ]
    for junk in ("Loading", "حجم الخط", "Image-", "إشترك"):
        assert junk not in a.text
    # Subheadings are content and stay.
    assert "\n\nبحث آليات التنسيق\n\n" in a.text
    assert a.text.endswith("على الساحل السوري.")


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_it_stores_the_raw_text_unchanged_and_offsets_of_paragraphs_into_the_text(
    name: str,
) -> None:
    a = parse(name)
    assert a.raw_text == (SEEDS / name).read_text(encoding="utf-8")
    spans = a.metadata["paragraphs"]
    assert "\n\n".join(a.text[p["start"] : p["end"]] for p in spans) == a.text
    assert all("\n" not in a.text[p["start"] : p["end"]] for p in spans)


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_it_gives_the_same_text_when_the_normalised_text_is_read_again(name: str) -> None:
    a = parse(name)
    [again] = read_file("again.txt", a.text.encode("utf-8"))
    assert again.text == a.text
