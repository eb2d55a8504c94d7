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
}
LONG = "A" * 100_000  # unbroken: the worst case for line breaking

# Characters that the documents drop on purpose (XML and PDF cannot carry them).
DROPPED = "\x00\x07\x1b\x7f"


def corpus(port: int) -> dict[str, str]:
    return {name: s.format(port=port) for name, s in HOSTILE_STRINGS.items()}
