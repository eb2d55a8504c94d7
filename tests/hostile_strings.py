"""A corpus of hostile strings for every free-text field. ``{port}`` is a loopback listener."""

from __future__ import annotations

HOSTILE_STRINGS: dict[str, str] = {
    "script": "<script>alert('x')</script>",
    "img": '<img src="http://127.0.0.1:{port}/img.png" onerror="alert(1)">',
    "link attachment": '<link rel="attachment" href="file:///etc/passwd">',
    "style": "<style>body{{background:url(http://127.0.0.1:{port}/style.png)}}</style>",
    "css url": "background: url('http://127.0.0.1:{port}/css.png'); content: url(file:///etc/hostname)",
    "md link file": "[click me](file:///etc/passwd)",
    "md image loopback": "![pic](http://127.0.0.1:{port}/md.png)",
    "md image data": "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "jinja expression": "{{{{ 7*7 }}}} {{{{ config }}}}",
    "jinja statement": "{{% for x in range(3) %}}X{{% endfor %}}",
    "yaml specials": "&anchor *alias !!python/object:os.system --- ... key: value # not a comment",
    "json specials": '{{"a": [1, null, true], "b": "\\\\u0000"}}',
    "control characters": "A\x00B\x07C\x1bD\x7fE",
    "right-to-left override": "abc\u202edcba\u2066isolated\u2069 end",
    "emoji and accents": "👩🏽‍⚕️ 🏳️‍🌈 Gŵyl Gymreig ŷ café 漢字",
    # issue 15, class 9: no live link from text, and addresses copy out whole
    "links": "https://evil.example/login www.evil.example lead@evil.example evil.example.org mailto:x@evil.example",
    "long email": "safeguarding.lead.for.the.youth.club@brightwater-youth-voice.example.org",
    # class 5: no-break spaces, narrow no-break spaces and a flood of combining marks
    "spaces and marks": "x" + "\u00a0" * 120 + "y" + "\u202f" * 60 + "z e" + "\u0301" * 60 + " end",
}
LONG = "A" * 100_000  # unbroken: the worst case for line breaking

# Characters that the documents drop on purpose (XML and PDF cannot carry them).
DROPPED = "\x00\x07\x1b\x7f"


# The worst long inputs the validators accept, for the render-time bound (tests/test_render_cost.py).
WORST_LONG: dict[str, str] = {
    "no-break spaces": "a" + "\u00a0" * 99_998 + "b",
    "narrow no-break spaces": "a" + "\u202f" * 99_998 + "b",
    "every kind of space": "".join(
        " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    )
    * 5_882,
    "combining flood": "a" + "\u0301" * 99_999,
    "no-break words": "word\u00a0" * 20_000,
    "unbroken": LONG,
    "prose": "The quick brown fox jumps over the lazy dog. " * 2_222,
    "joiners": "\u200d\u2060" * 50_000,
    "emoji": "👩🏽‍⚕️" * 20_000,
}


def corpus(port: int) -> dict[str, str]:
    return {name: s.format(port=port) for name, s in HOSTILE_STRINGS.items()}
