"""Report folders: PNGs render, the page works offline."""

import altair as alt
import polars as pl

from replicators.io.report import Report


def test_report_is_self_contained(tmp_path):
    data = pl.DataFrame({"generation": [0, 1, 2], "gold": [0.1, 0.3, 0.2]})
    chart = alt.Chart(data).mark_line().encode(x="generation", y="gold")
    r = Report("Test report", intro="Intro paragraph.")
    r.add_text("Answer", "Rate beats sum.")
    r.add_table("Summary", data, caption="Three generations.")
    r.add_chart("Gold over time", chart, caption="A line.")
    index = r.write(tmp_path)
    page = index.read_text()
    png = tmp_path / "gold_over_time.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "vegaEmbed('#chart2'" in page
    # No network: nothing is loaded from another host.
    assert "<script src=" not in page
    assert "https://cdn" not in page
    assert "0.300" in page and "Rate beats sum." in page
