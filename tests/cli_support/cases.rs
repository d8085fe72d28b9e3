//! The one table of bad input that `build` (tests/build.rs) and `check` (tests/check.rs) must
//! both refuse, each case with the text its error must contain (file:line:col where there is one).

/// What a case does to a fresh copy of the good fixture site.
pub enum Edit {
    Write(&'static str, &'static [u8]),
    Remove(&'static str),
}
pub use Edit::{Remove, Write};

/// Every kind of bad input `build` and `check` must refuse, with the text its error must contain.
pub const CASES: &[(&str, &[Edit], &str)] = &[
    (
        "malformed-config",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"\n[title]\nja = \"x\"\nen = \"y\"\n",
        )],
        "config.toml:",
    ),
    (
        "malformed-record",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" \n",
        )],
        "content/reports/approvals.toml:",
    ),
    (
        "unknown-front-matter-key",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nauthor = \"me\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:3:1",
    ),
    (
        "missing-front-matter",
        &[Write(
            "content/reports/approvals.en.md",
            b"## Approvals {#approvals}\n\nText.\n",
        )],
        "content/reports/approvals.en.md:1:1",
    ),
    (
        "missing-title",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\nweight = 1\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md",
    ),
    (
        "missing-template",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\ntemplate = \"report.html\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "report.html",
    ),
    (
        "unknown-template-variable",
        &[Write(
            "templates/page.html",
            b"<!DOCTYPE html>\n<html><body>\n<h1>{{ page.titel }}</h1>\n{{ page.content | safe }}\n</body></html>\n",
        )],
        "templates/page.html",
    ),
    (
        "template-syntax-error",
        &[Write(
            "templates/page.html",
            b"<html><body>\n{% if page.title %}\n<h1>{{ page.title }}</h1>\n</body></html>\n",
        )],
        "templates/page.html",
    ),
    (
        "duplicate-output-path",
        &[Write(
            "content/reports/approvals/index.en.md",
            b"+++\ntitle = \"Approvals again\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals",
    ),
    (
        "link-leaves-content",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [the secret](@/../secret.md).\n",
        )],
        "content/_index.en.md:5:5",
    ),
    (
        "broken-internal-link",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](@/reports/aprovals.md).\n",
        )],
        "content/_index.en.md:5:5",
    ),
    (
        "broken-anchor",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](@/reports/approvals.md#aproval).\n",
        )],
        "content/_index.en.md:5:5",
    ),
    (
        "missing-translation",
        &[Remove("content/reports/approvals.en.md")],
        "content/reports/approvals.en.md",
    ),
    (
        "invalid-utf8",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\n+++\n\nCaf\xe9 latte.\n",
        )],
        "content/reports/approvals.en.md:5:4",
    ),
    (
        "missing-record",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nrecords = [\"reports/aprovals\"]\n+++\n\n## Approvals {#approvals}\n",
        )],
        "reports/aprovals",
    ),
    (
        "record-text-missing-a-language",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\" }\n",
        )],
        "content/reports/approvals.toml",
    ),
    (
        "page-name-without-language",
        &[Write(
            "content/reports/notes.md",
            b"+++\ntitle = \"Notes\"\n+++\n",
        )],
        "content/reports/notes.md",
    ),
    (
        "malformed-front-matter",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:2:",
    ),
    (
        "weight-in-quotes",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = \"3\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "`weight` must be a whole number, without quotes",
    ),
    (
        "date-with-slashes",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\ndate = \"2021/04/01\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "`date` must be a date like 2021-04-01",
    ),
    (
        "empty-title",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"  \"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:2:9",
    ),
    (
        "weight-out-of-range",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 9223372036854775807\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:3:10",
    ),
    (
        "draft-in-one-language",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\ndraft = true\n+++\n\n## Approvals {#approvals}\n",
        )],
        "reports/approvals.md is a draft in en",
    ),
    (
        "not-a-number-in-a-record",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\nshare = nan\n",
        )],
        "content/reports/approvals.toml:2:9",
    ),
    (
        "infinity-in-a-record",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\nshare = -inf\n",
        )],
        "content/reports/approvals.toml:2:9",
    ),
    (
        "text-in-a-chart-value-column",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nlabel = \"drug\"\nvalues = [\"count\"]\n[[rows]]\ndrug = \"x\"\ncount = \"15 approvals\"\n",
        )],
        "content/reports/approvals.toml:7:9",
    ),
    (
        "unknown-chart-kind",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nkind = \"pie\"\nlabel = \"drug\"\nvalues = [\"count\"]\n",
        )],
        "content/reports/approvals.toml:3:8",
    ),
    (
        "language-not-a-tag",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"english\"]\n[title]\nja = \"x\"\nenglish = \"y\"\n",
        )],
        "config.toml:2:20",
    ),
    (
        "base-url-not-absolute",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\nbase_url = \"example.org/report\"\n[title]\nja = \"x\"\nen = \"y\"\n",
        )],
        "config.toml:3:12",
    ),
    (
        "theme-outside-the-site",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\ntheme = \"../../shared\"\n[title]\nja = \"x\"\nen = \"y\"\n",
        )],
        "config.toml:3:9",
    ),
    (
        "markdown-with-a-capital-extension",
        &[Write(
            "content/reports/notes.en.MD",
            b"+++\ntitle = \"Notes\"\n+++\n",
        )],
        "rename it to `notes.en.md`",
    ),
    (
        "javascript-link",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [this](JavaScript:alert(1)).\n",
        )],
        "content/_index.en.md:5:5",
    ),
    (
        "javascript-image",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n![chart]( javascript:alert(1))\n",
        )],
        "a `javascript:` address runs code",
    ),
    (
        "link-with-dot-dot-inside-content",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](@/reports/../reports/approvals.md).\n",
        )],
        "without them: `@/reports/approvals.md`",
    ),
    (
        "link-naming-a-language",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](@/reports/approvals.en.md).\n",
        )],
        "leave the language out: `@/reports/approvals.md`",
    ),
    (
        "alias-on-an-existing-page",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 10\nrecords = [\"reports/approvals\"]\naliases = [\"reports\"]\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:5:13",
    ),
    (
        "alias-leaving-the-site",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 10\nrecords = [\"reports/approvals\"]\naliases = [\"../elsewhere\"]\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:5:13",
    ),
    (
        "editions-latest-not-an-edition",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[title]\nja = \"x\"\nen = \"y\"\n[editions]\nlatest = \"2022\"\n[editions.label]\n2021 = { ja = \"\xe4\xbb\xa4\xe5\x92\x8c3\xe5\xb9\xb4\xe5\xba\xa6\", en = \"FY2021\" }\n",
        )],
        "config.toml:7:10",
    ),
    (
        "editions-page-outside-every-edition",
        &[
            Write(
                "config.toml",
                b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[title]\nja = \"x\"\nen = \"y\"\n[editions]\nlatest = \"2021\"\n[editions.label]\n2021 = { ja = \"\xe4\xbb\xa4\xe5\x92\x8c3\xe5\xb9\xb4\xe5\xba\xa6\", en = \"FY2021\" }\n",
            ),
            Write("content/2021/_index.ja.md", b"+++\ntitle = \"x\"\n+++\n"),
            Write("content/2021/_index.en.md", b"+++\ntitle = \"x\"\n+++\n"),
        ],
        "move it into an edition, e.g. content/2021/reports/approvals.en.md",
    ),
    (
        "editions-edition-without-a-home-page",
        &[Write(
            "config.toml",
            b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[title]\nja = \"x\"\nen = \"y\"\n[editions]\nlatest = \"2021\"\n[editions.label]\n2021 = { ja = \"\xe4\xbb\xa4\xe5\x92\x8c3\xe5\xb9\xb4\xe5\xba\xa6\", en = \"FY2021\" }\n",
        )],
        "config.toml:9:1",
    ),
    (
        "javascript-in-raw-html",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<p>See <a title=\"x\"\n   href=\"&#106;avascript:alert(1)\">this</a>.</p>\n",
        )],
        "content/_index.en.md:6:4",
    ),
    (
        "event-handler-in-raw-html",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nText <b onmouseover=\"go()\">bold</b>.\n",
        )],
        "content/_index.en.md:5:9",
    ),
    (
        "inline-style-in-raw-html",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n> <div style=\"color:red\">\n> red\n> </div>\n",
        )],
        "content/_index.en.md:5:8",
    ),
    (
        "outside-load-in-raw-html",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<img src=\"https://example.org/pixel.png\" alt=\"x\">\n",
        )],
        "would be loaded from another site",
    ),
    (
        "raw-html-turned-off",
        &[
            Write(
                "config.toml",
                b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[markdown]\nraw_html = false\n[title]\nja = \"x\"\nen = \"y\"\n",
            ),
            Write(
                "content/_index.en.md",
                b"+++\ntitle = \"Home\"\n+++\n\nSome <b>bold</b> text.\n",
            ),
        ],
        "content/_index.en.md:5:6",
    ),
    (
        "missing-image-in-a-record",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"x\", en = \"y\" }\n[[rows]]\ndrug = \"a\"\nphoto = { src = \"vial.png\", alt = \"A vial\" }\n",
        )],
        "content/reports/approvals.toml:4:17",
    ),
    (
        "image-outside-the-site-in-a-csv-record",
        &[Write(
            "content/reports/approvals.csv",
            b"drug,photo.src\na,../../outside.png\n",
        )],
        "content/reports/approvals.csv:2:3",
    ),
    (
        "misspelt-chart-kind",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nkind = \"colum\"\nlabel = \"drug\"\nvalues = [\"count\"]\n",
        )],
        "content/reports/approvals.toml:3:8",
    ),
    (
        "donut-chart-with-two-value-columns",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nkind = \"donut\"\nlabel = \"drug\"\nvalues = [\"count\", \"share\"]\n[[rows]]\ndrug = \"x\"\ncount = 3\nshare = 1\n",
        )],
        "content/reports/approvals.toml:5:10",
    ),
    (
        "negative-value-in-a-stacked-chart",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nkind = \"stacked-bar\"\nlabel = \"drug\"\nvalues = [\"count\"]\n[[rows]]\ndrug = \"x\"\ncount = -3\n",
        )],
        "content/reports/approvals.toml:8:9",
    ),
    (
        "line-chart-with-one-row",
        &[Write(
            "content/reports/approvals.toml",
            b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[chart]\nkind = \"line\"\nlabel = \"drug\"\nvalues = [\"count\"]\n[[rows]]\ndrug = \"x\"\ncount = 3\n",
        )],
        "content/reports/approvals.toml:3:8",
    ),
    (
        "heading-id-given-twice",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\n+++\n\n## Approvals {#approvals}\n\nText.\n\n## Earlier approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:9:1",
    ),
    (
        "html-file-in-content",
        &[Write(
            "content/reports/extra.html",
            b"<p>Hello</p><script>fetch('/x')</script>\n",
        )],
        "content/reports/extra.html",
    ),
    (
        "html-file-in-static",
        &[Write("static/old.htm", b"<img src=x onerror=alert(1)>\n")],
        "static/old.htm",
    ),
    (
        "svg-with-a-script-in-content",
        &[Write(
            "content/reports/chart.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\">\n  <script>alert(1)</script>\n</svg>\n",
        )],
        "content/reports/chart.svg:2:4",
    ),
    (
        "svg-with-an-event-handler-in-static",
        &[Write(
            "static/logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>\n",
        )],
        "static/logo.svg:1:41",
    ),
    (
        "svg-with-a-local-file-in-static",
        &[Write(
            "static/logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<image xlink:href=\"file:///etc/passwd\"/></svg>\n",
        )],
        "static/logo.svg:2:8",
    ),
    (
        "svg-with-a-javascript-link-in-content",
        &[Write(
            "content/reports/map.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><a href=\"&#106;avascript:alert(1)\"><rect width=\"4\" height=\"4\"/></a></svg>\n",
        )],
        "content/reports/map.svg:1:65",
    ),
    (
        "svg-that-is-not-xml",
        &[Write(
            "static/broken.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>\n",
        )],
        "static/broken.svg:1:",
    ),
    // Raw HTML judged as the browser parses the whole page (issue 22): tags that a tag-by-tag
    // reading takes for text, and SVG that animates a link's address.
    (
        "raw-html-textarea-hides-a-tag",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nx <textarea><p title=\"</textarea><img src=x onerror=alert(1)>\">\n",
        )],
        "content/_index.en.md:5:45",
    ),
    (
        "raw-html-svg-title-hides-a-tag",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<svg><title><img src=x onerror=alert(1)></title></svg>\n",
        )],
        "content/_index.en.md:5:24",
    ),
    (
        "raw-html-svg-animates-an-address",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<svg><a><animate attributeName=\"href\" values=\"javascript:alert(1)\"/><text y=\"20\">x</text></a></svg>\n",
        )],
        "content/_index.en.md:5:18",
    ),
    (
        "raw-html-noscript-hides-a-tag",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nNotes: <noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></p></noscript>\n",
        )],
        "content/_index.en.md:5:50",
    ),
    (
        "raw-html-textarea-left-open",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nText.\n\n<textarea>\n",
        )],
        "content/_index.en.md:7:1",
    ),
    (
        "yaml-front-matter",
        &[Write(
            "content/reports/approvals.en.md",
            b"---\ntitle: Approvals\nweight: 10\ntags: [drugs, approvals]\n---\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:1:1",
    ),
    (
        "relative-link-to-no-page",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](reports/aprovals.md).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "site-address-to-no-page",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](approvals/).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "relative-link-to-a-missing-anchor",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](reports/approvals.md#aproval).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "anchor-missing-on-the-same-page",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nSee [below](#summary).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "missing-attachment",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nThe [statement](statement.pdf).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "link-from-the-server-root",
        &[Write("content/_index.en.md", b"+++\ntitle = \"Home\"\n+++\n\nSee [approvals](/en/reports/approvals/).\n")],
        "content/_index.en.md:5:5",
    ),
    (
        "original-not-a-language",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\noriginal = \"fr\"\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:3:12",
    ),
    (
        "translations-lock-without-original",
        &[Write(
            "translations.lock",
            b"[\"content/_index.md#title\".en]\nhash = \"0123456789abcdef\"\n",
        )],
        "translations.lock:1:",
    ),
    (
        "csv-header-not-a-declared-column",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n".as_bytes(),
            ),
            Write(
                "content/reports/approvals.csv",
                "drug.ja,drug.en,cuont\n甲,A,3\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.csv:1:17",
    ),
    (
        "declared-column-missing-from-the-csv",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n".as_bytes(),
            ),
            Write(
                "content/reports/approvals.csv",
                "drug.ja,drug.en\n甲,A\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:7:7",
    ),
    (
        "chart-label-not-a-column",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"ジヌツキシマブ\", en = \"Dinutuximab\" }\ncount = 15\n\n[chart]\nlabel = \"durg\"\nvalues = [\"count\"]\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:16:9",
    ),
    (
        "chart-value-not-a-column",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"ジヌツキシマブ\", en = \"Dinutuximab\" }\ncount = 15\n\n[chart]\nlabel = \"drug\"\nvalues = [\"count\", \"cuont\"]\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:17:20",
    ),
    (
        "row-key-not-a-column",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"甲\", en = \"A\" }\ncuont = 15\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:13:1",
    ),
    (
        "letter-in-a-numeric-csv-cell",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n".as_bytes(),
            ),
            Write(
                "content/reports/approvals.csv",
                "drug.ja,drug.en,count\n甲,A,15\n乙,B,48O0\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.csv:3:5",
    ),
    (
        "letter-in-a-csv-column-of-numbers",
        &[
            Write(
                "content/reports/visitors.csv",
                "month.ja,month.en,visitors\n3月,March,120\n4月,April,48O0\n5月,May,130\n".as_bytes(),
            ),
        ],
        "content/reports/visitors.csv:3:10",
    ),
    (
        "empty-text-in-a-record",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"\", en = \"A\" }\ncount = 15\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:12:15",
    ),
    (
        "empty-text-cell-in-a-csv",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n".as_bytes(),
            ),
            Write(
                "content/reports/approvals.csv",
                "drug.ja,drug.en,count\n甲,,15\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.csv:2:3",
    ),
    (
        "empty-number-in-a-record",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"甲\", en = \"A\" }\ncount = \"\"\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:13:9",
    ),
    (
        "empty-record",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:3:1",
    ),
    (
        "csv-with-only-its-header",
        &[
            Write(
                "content/reports/visitors.csv",
                "month.ja,month.en,visitors\n".as_bytes(),
            ),
        ],
        "content/reports/visitors.csv:1:1",
    ),
    (
        "nan-in-a-csv",
        &[
            Write(
                "content/reports/visitors.csv",
                "month.ja,month.en,visitors\n3月,March,NaN\n".as_bytes(),
            ),
        ],
        "content/reports/visitors.csv:2:10",
    ),
    (
        "number-too-large-to-write-exactly",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"甲\", en = \"A\" }\ncount = 1e308\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:13:9",
    ),
    (
        "stated-total-differs-from-the-rows",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\ntotal = 16\n\n[[rows]]\ndrug = { ja = \"ジヌツキシマブ\", en = \"Dinutuximab\" }\ncount = 15\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:10:9",
    ),
    (
        "unknown-column-setting",
        &[
            Write(
                "content/reports/approvals.toml",
                "title = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnmeric = true\n\n[[rows]]\ndrug = { ja = \"ジヌツキシマブ\", en = \"Dinutuximab\" }\ncount = 15\n".as_bytes(),
            ),
        ],
        "did you mean `numeric`?",
    ),
    (
        "unknown-table-record-key",
        &[
            Write(
                "content/reports/approvals.toml",
                "titel = \"x\"\ntitle = { ja = \"承認事例\", en = \"Approvals\" }\n\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"薬剤\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"件数\", en = \"Count\" }\nnumeric = true\n\n[[rows]]\ndrug = { ja = \"ジヌツキシマブ\", en = \"Dinutuximab\" }\ncount = 15\n".as_bytes(),
            ),
        ],
        "content/reports/approvals.toml:1:1",
    ),
    (
        "unknown-front-matter-key-near-a-known-one",
        &[
            Write(
                "content/reports/approvals.en.md",
                "+++\ntitle = \"Approvals\"\nwieght = 1\n+++\n".as_bytes(),
            ),
        ],
        "did you mean `weight`?",
    ),
    (
        "raw-html-image-with-an-absolute-path",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nOur logo: <img src=\"/home/editor/.ssh/key.png\" alt=\"logo\">\n",
        )],
        "content/_index.en.md:5:16",
    ),
    (
        "raw-html-image-climbing-out-of-the-site",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<p><img alt=\"x\" src=\"../../../../etc/x.png\"></p>\n",
        )],
        "content/_index.en.md:5:17",
    ),
    (
        "raw-html-svg-image-with-a-file-url",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\n<svg width=\"10\" height=\"10\"><image href=\"file:///etc/ssl/private/key.png\"/></svg>\n",
        )],
        "content/_index.en.md:5:36",
    ),
    (
        "pages-differing-only-in-case",
        &[
            Write(
                "content/reports/Approvals.en.md",
                b"+++\ntitle = \"Approvals again\"\n+++\n\nText.\n",
            ),
            Write(
                "content/reports/Approvals.ja.md",
                b"+++\ntitle = \"\xe6\x89\xbf\xe8\xaa\x8d\"\n+++\n\nText.\n",
            ),
        ],
        "content/reports/Approvals.en.md and this file would be published as en/reports/Approvals/index.html and en/reports/approvals/index.html",
    ),
    // No crash and no hang on a template or a page (issue 22): include cycles are refused before
    // rendering, a macro without end and a range too long stop with an error, a NUL is refused.
    (
        "template-includes-itself",
        &[Write("templates/page.html", b"x{% include \"page.html\" %}")],
        "the template `page.html` includes itself",
    ),
    (
        "template-include-cycle",
        &[
            Write("templates/page.html", b"{% include \"partials/a.html\" %}"),
            Write("templates/partials/a.html", b"a{% include \"partials/b.html\" %}"),
            Write(
                "templates/partials/b.html",
                b"{% if page %}b{% include \"partials/a.html\" %}{% endif %}",
            ),
        ],
        "`partials/a.html` includes `partials/b.html` includes `partials/a.html`",
    ),
    (
        "template-macro-without-end",
        &[Write(
            "templates/page.html",
            b"{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}{{ self::down(n=1) }}",
        )],
        "the macro `down` (in page.html) calls itself too deeply",
    ),
    (
        "template-range-too-long",
        &[Write(
            "templates/page.html",
            b"{% for i in range(end=2000000000) %}x{% endfor %}",
        )],
        "range() of 2000000000 items",
    ),
    (
        "nul-in-markdown",
        &[Write(
            "content/_index.en.md",
            b"+++\ntitle = \"Home\"\n+++\n\nText \x00 here.\n",
        )],
        "content/_index.en.md:5:6",
    ),
    // Images decoded whole at build time (issue 22): one cut short, one over the pixel limit,
    // each an error where the page uses it.
    (
        "image-cut-short",
        &[
            Write(
                "content/shot.png",
                include_bytes!("../fixtures/images/cut-short.png"),
            ),
            Write(
                "content/_index.en.md",
                b"+++\ntitle = \"Home\"\n+++\n\n![A shot of the device](shot.png)\n",
            ),
        ],
        "content/_index.en.md:5:1",
    ),
    (
        "image-over-the-pixel-limit",
        &[
            Write(
                "config.toml",
                b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[images]\nmax_megapixels = 1\n[title]\nja = \"x\"\nen = \"y\"\n",
            ),
            Write(
                "content/wide.png",
                include_bytes!("../fixtures/images/over-a-megapixel.png"),
            ),
            Write(
                "content/_index.en.md",
                b"+++\ntitle = \"Home\"\n+++\n\nSee ![the plan](wide.png).\n",
            ),
        ],
        "content/_index.en.md:5:5",
    ),
    // Smaller ones (issue 22): each error at its place in the file that has the mistake, and a
    // broken record reported once, not again by the pages that show it.
    (
        "i18n-placeholder-no-template-fills",
        &[Write("i18n/en.toml", b"[search]\nlabel = \"Search {sitename}\"\n")],
        "i18n/en.toml:2:9",
    ),
    (
        "i18n-key-of-the-site-in-one-language",
        &[Write("i18n/en.toml", b"[search]\nlabl = \"Search\"\n")],
        "i18n/en.toml:2:1",
    ),
    (
        "draft-in-one-language-at-its-line",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 10\ndraft = true\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:4:9",
    ),
    (
        "alias-with-a-nul",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 10\nrecords = [\"reports/approvals\"]\naliases = [\"old\\u0000name\"]\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:5:13",
    ),
    (
        "alias-too-long",
        &[Write(
            "content/reports/approvals.en.md",
            b"+++\ntitle = \"Approvals\"\nweight = 10\nrecords = [\"reports/approvals\"]\naliases = [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n+++\n\n## Approvals {#approvals}\n",
        )],
        "content/reports/approvals.en.md:5:13",
    ),
    (
        "record-rows-broken-beside-its-chart",
        &[
            Write(
                "config.toml",
                b"default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\ntheme = \"default\"\n[title]\nja = \"x\"\nen = \"y\"\n",
            ),
            Write(
                "content/reports/approvals.toml",
                b"title = { ja = \"\xe6\x89\xbf\xe8\xaa\x8d\", en = \"Approvals\" }\n[[columns]]\nkey = \"drug\"\nlabel = { ja = \"\xe8\x96\xac\", en = \"Drug\" }\n[[columns]]\nkey = \"count\"\nlabel = { ja = \"\xe4\xbb\xb6\", en = \"Count\" }\nnumeric = true\n[chart]\nlabel = \"drug\"\nvalues = [\"count\"]\n",
            ),
            Write(
                "content/reports/approvals.csv",
                b"drug.ja,drug.en,count\nA,B,1,extra\n",
            ),
        ],
        "content/reports/approvals.csv:2:1",
    ),
    (
        "record-with-errors-read-by-a-template",
        &[
            Write(
                "templates/print.html",
                b"{% set r = record(id=\"reports/approvals\", lang=\"en\") %}{{ r.title }}",
            ),
            Write("content/reports/approvals.toml", b"title = { ja = \"x\" }\n"),
        ],
        "content/reports/approvals.toml:1:9",
    ),
];

pub fn apply(root: &std::path::Path, edits: &[Edit]) {
    for edit in edits {
        match edit {
            Write(rel, bytes) => super::write(root, rel, bytes),
            Remove(rel) => std::fs::remove_file(root.join(rel)).unwrap(),
        }
    }
}
