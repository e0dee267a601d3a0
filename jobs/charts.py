"""The wage chart on the Salary tab, laid out on the server so it needs no JavaScript."""

TOP_CODE = 239_200  # OEWS publishes no figure above this; such cells are marked `#`
PERCENTILES = [
    ("pct10", "a_pct10", "10th percentile"),
    ("pct25", "a_pct25", "25th percentile"),
    ("median", "a_median", "Median"),
    ("pct75", "a_pct75", "75th percentile"),
    ("pct90", "a_pct90", "90th percentile"),
]
# Each row puts its label above its bar, so the chart is narrow: drawn 320 units wide, it scales to about the
# same width on a 390 px phone and its 14-unit text stays at least 12 px there (see `.wage-chart` in app.css).
WIDTH, VALUE_WIDTH, ROW, BAR, LABEL_BASELINE = 320, 96, 50, 20, 15


def _money(value):
    return f"${value:,}"


def wage_chart(wage):
    """Bars for each wage percentile; a top-coded one reaches the cap and reads ">= $239,200"."""
    markers = wage.markers or ""
    rows = []
    for field, marker, label in PERCENTILES:
        value = getattr(wage, field)
        top_coded = value is None and f"{marker}=#" in markers
        rows.append({"label": label, "value": value, "top_coded": top_coded})
    known = [row["value"] for row in rows if row["value"] is not None]
    if any(row["top_coded"] for row in rows):
        known.append(TOP_CODE)
    scale = max(known, default=0) or 1
    bar_area = WIDTH - VALUE_WIDTH
    for index, row in enumerate(rows):
        amount = TOP_CODE if row["top_coded"] else row["value"]
        row["label_y"] = index * ROW + LABEL_BASELINE
        row["y"] = index * ROW + LABEL_BASELINE + 7
        row["text_y"] = row["y"] + BAR // 2 + 5
        row["width"] = round(bar_area * amount / scale) if amount else 0
        row["text_x"] = row["width"] + 6
        if row["top_coded"]:
            row["text"] = f">= {_money(TOP_CODE)}"
        elif row["value"] is None:
            row["text"] = "not published"
        else:
            row["text"] = _money(row["value"])
    summary = "; ".join(f"{row['label']}: {row['text']}" for row in rows)
    return {
        "rows": rows,
        "width": WIDTH,
        "height": ROW * len(rows),
        "bar_height": BAR,
        "summary": summary,
        "has_top_coded": any(row["top_coded"] for row in rows),
    }


# The postings-over-time chart on the Jobs tab: a row a period, its label on the left, the count after the bar.
# Drawn 320 units wide, like the wage chart, so its 14-unit text stays at least 12 px on a 390 px phone.
POSTINGS_LABEL_WIDTH, POSTINGS_VALUE_WIDTH, POSTINGS_ROW, POSTINGS_BAR = 76, 44, 26, 16


def postings_chart(periods, grain):
    """Bars for [(label, first day, count)], the longest scaled to the space there is."""
    scale = max((count for _label, _day, count in periods), default=0) or 1
    bar_area = WIDTH - POSTINGS_LABEL_WIDTH - POSTINGS_VALUE_WIDTH
    rows = []
    for index, (label, _day, count) in enumerate(periods):
        top = index * POSTINGS_ROW
        width = round(bar_area * count / scale)
        rows.append(
            {
                "label": label,
                "count": count,
                "y": top + (POSTINGS_ROW - POSTINGS_BAR) // 2,
                "text_y": top + POSTINGS_ROW // 2 + 5,
                "width": width,
                "text_x": POSTINGS_LABEL_WIDTH + width + 6,
            }
        )
    unit = "year" if grain == "year" else "month"
    summary = "; ".join(f"{row['label']}: {row['count']}" for row in rows if row["count"])
    return {
        "rows": rows,
        "width": WIDTH,
        "height": POSTINGS_ROW * len(rows),
        "bar_x": POSTINGS_LABEL_WIDTH,
        "bar_height": POSTINGS_BAR,
        "unit": unit,
        "summary": f"Postings published per {unit}: {summary or 'none'}.",
    }
