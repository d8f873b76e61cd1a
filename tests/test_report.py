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


def test_the_vega_bundle_is_built_once_per_version_and_read_back(tmp_path, monkeypatch):
    """The bundle lives in the cache folder after the first report; a later
    process reads it back (the same script), and an unwritable cache only
    costs the rebuild."""
    import vl_convert as vlc
    from replicators.io import report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = report._bundle()
    cached = list((tmp_path / "cache" / "replicators").glob("vega-bundle-*.js"))
    assert len(cached) == 1 and cached[0].read_text() == built
    assert built == vlc.javascript_bundle().replace("</script>", "<\\/script>") and "</script>" not in built
    cached[0].write_text("// the cached copy")
    assert report._bundle() == "// the cached copy"  # read back, not rebuilt
    (tmp_path / "ro").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ro"))
    assert report._bundle() == built
