#!/usr/bin/env python3
"""Render one of lectern's message payloads as a mock Discord message.

Reads a discordgo MessageSend JSON file (bot/testdata/*.golden.json) and
writes a standalone HTML page in the style of Discord's dark theme: the bot's
avatar and name, what it answers (a reply to the user's question, or a slash
command), the embeds and the buttons. Standard library only; the page uses
system fonts and loads nothing from the network.

This is a mock of Discord's look, not Discord: it draws only what lectern
sends (embeds with title, description, fields and footer; rows of buttons)
and only the markdown lectern writes (**bold**, *italic*, __underline__,
~~strike~~, `code` and backslash escapes).

    python3 docs/render/render.py bot/testdata/answer.golden.json -o answer.html
    python3 docs/render/render.py bot/testdata/topics_page1.golden.json \\
        --command topics --ephemeral -o topics.html
"""

import argparse
import html
import json
import string
import sys

BOT_NAME = "lectern"

# Discord's button styles: 1 primary, 2 secondary, 3 success, 4 danger, 5 link.
BUTTON_CLASS = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "secondary"}

# Characters a backslash escapes in Discord markdown: ASCII punctuation.
ESCAPABLE = set(string.punctuation)

CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #313338; }
body {
  width: 760px; padding: 16px 0 14px;
  font-family: "gg sans", "Noto Sans", "Helvetica Neue", Helvetica, Arial, "DejaVu Sans",
    sans-serif, "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji";
  color: #dbdee1; font-size: 16px; line-height: 1.375;
  -webkit-font-smoothing: antialiased;
}
code, .mono { font-family: Consolas, "Liberation Mono", "DejaVu Sans Mono", Menlo, monospace; }
.msg { position: relative; padding: 2px 48px 2px 72px; }
.avatar {
  position: absolute; left: 16px; width: 40px; height: 40px; border-radius: 50%;
  display: flex; align-items: center; justify-content: center;
  background: #5865f2; color: #fff; font-size: 20px; font-weight: 600;
}
.context {
  position: relative; display: flex; align-items: center; height: 18px;
  margin-bottom: 4px; font-size: 14px; line-height: 18px; color: #b5bac1; white-space: nowrap;
}
.context::before {
  content: ""; position: absolute; left: -37px; top: 8px; width: 31px; height: 12px;
  border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px;
}
.mini {
  width: 16px; height: 16px; border-radius: 50%; margin-right: 4px; flex: none;
  display: inline-flex; align-items: center; justify-content: center;
  background: #e67e22; color: #fff; font-size: 10px; font-weight: 600;
}
.context .who { color: #f2f3f5; font-weight: 500; margin-right: 4px; }
.context .text { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.context .cmd { color: #00a8fc; font-weight: 500; margin-left: 4px; }
.header { display: flex; align-items: center; line-height: 22px; }
.name { color: #f2f3f5; font-weight: 500; font-size: 16px; }
.tag {
  margin-left: 4px; padding: 0 4px; height: 15px; border-radius: 3px;
  background: #5865f2; color: #fff; font-size: 10px; font-weight: 600;
  line-height: 15px; text-transform: uppercase; position: relative; top: 1px;
}
.time { margin-left: 6px; color: #949ba4; font-size: 12px; font-weight: 500; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; }
.embed {
  margin-top: 2px; max-width: 520px; background: #2b2d31; border-radius: 4px;
  border-left: 4px solid #1e1f22; padding: 8px 16px 16px 12px;
}
.embed + .embed { margin-top: 6px; }
.e-title { margin-top: 8px; color: #f2f3f5; font-size: 16px; font-weight: 600; line-height: 22px; }
.e-desc, .e-value {
  margin-top: 8px; font-size: 14px; line-height: 18px; color: #dbdee1;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.e-field { margin-top: 8px; }
.e-name { font-size: 14px; line-height: 18px; font-weight: 600; color: #f2f3f5; }
.e-field .e-value { margin-top: 2px; }
.e-footer { margin-top: 8px; font-size: 12px; line-height: 16px; font-weight: 500; color: #b5bac1; }
.embed strong, .content strong { font-weight: 700; color: #f2f3f5; }
.embed code, .content code {
  font-size: 0.85em; padding: 0.1em 0.25em; border-radius: 4px;
  background: #1e1f22; border: 1px solid #1e1f22; color: #dbdee1;
}
.row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.row + .row { margin-top: 8px; }
.btn {
  display: inline-flex; align-items: center; justify-content: center;
  height: 32px; min-width: 60px; padding: 2px 16px; border-radius: 8px;
  color: #fff; font-size: 14px; font-weight: 500; line-height: 16px; white-space: nowrap;
}
.btn.primary { background: #5865f2; }
.btn.secondary { background: #4e5058; }
.btn.success { background: #248046; }
.btn.danger { background: #da373c; }
.btn.disabled { opacity: 0.5; }
.btn .emoji { font-size: 18px; line-height: 18px; }
.btn .emoji + .label { margin-left: 4px; }
.ephemeral {
  display: flex; align-items: center; margin-top: 6px;
  font-size: 12px; line-height: 16px; color: #949ba4;
}
.ephemeral svg { margin-right: 6px; }
.ephemeral .link { color: #00a8fc; margin-left: 4px; }
"""

EYE = ('<svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"><path fill="#949ba4" '
       'd="M12 5C5.65 5 2 12 2 12s3.65 7 10 7 10-7 10-7-3.65-7-10-7Zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-2a2 2 '
       '0 1 0 0-4 2 2 0 0 0 0 4Z"/></svg>')

# Inline markdown delimiters, longest first, with the HTML each one opens.
DELIMS = [("**", "strong"), ("__", "u"), ("~~", "s"), ("*", "em"), ("_", "em")]


def find_close(s, i, delim):
    """Index of the delimiter closing one opened just before s[i], or -1.

    Skips backslash escapes and code spans, which cannot contain a closer."""
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in ESCAPABLE:
            i += 2
            continue
        if c == "`":
            j = s.find("`", i + 1)
            if j >= 0:
                i = j + 1
                continue
        if s.startswith(delim, i):
            # A single * or _ must not be the start of a ** or __.
            if len(delim) == 1 and s.startswith(delim * 2, i):
                i += 2
                continue
            return i
        i += 1
    return -1


def inline(s):
    """Discord's inline markdown as HTML."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in ESCAPABLE:
            out.append(html.escape(s[i + 1]))
            i += 2
            continue
        if c == "`":
            j = s.find("`", i + 1)
            if j > i + 1:
                out.append("<code>" + html.escape(s[i + 1:j]) + "</code>")
                i = j + 1
                continue
        for delim, tag in DELIMS:
            if s.startswith(delim, i) and i + len(delim) < len(s) and not s[i + len(delim)].isspace():
                j = find_close(s, i + len(delim), delim)
                if j > i + len(delim):
                    out.append("<%s>%s</%s>" % (tag, inline(s[i + len(delim):j]), tag))
                    i = j + len(delim)
                    break
        else:
            out.append(html.escape(c))
            i += 1
    return "".join(out)


def markdown(s):
    """Discord markdown as HTML, a line at a time (the element keeps newlines)."""
    return "\n".join(inline(line) for line in s.split("\n"))


def render_embed(e):
    parts = []
    color = e.get("color")
    style = ' style="border-left-color: #%06x"' % color if color else ""
    if e.get("author", {}).get("name"):
        parts.append('<div class="e-name">%s</div>' % html.escape(e["author"]["name"]))
    if e.get("title"):
        parts.append('<div class="e-title">%s</div>' % inline(e["title"]))
    if e.get("description"):
        parts.append('<div class="e-desc">%s</div>' % markdown(e["description"]))
    for f in e.get("fields") or []:
        parts.append('<div class="e-field"><div class="e-name">%s</div><div class="e-value">%s</div></div>'
                     % (inline(f.get("name", "")), markdown(f.get("value", ""))))
    if e.get("footer", {}).get("text"):
        parts.append('<div class="e-footer">%s</div>' % html.escape(e["footer"]["text"]))
    return '<div class="embed"%s>%s</div>' % (style, "".join(parts))


def render_button(b):
    classes = ["btn", BUTTON_CLASS.get(b.get("style"), "secondary")]
    if b.get("disabled"):
        classes.append("disabled")
    inner = []
    emoji = (b.get("emoji") or {}).get("name")
    if emoji:
        inner.append('<span class="emoji">%s</span>' % html.escape(emoji))
    if b.get("label"):
        inner.append('<span class="label">%s</span>' % html.escape(b["label"]))
    return '<span class="%s">%s</span>' % (" ".join(classes), "".join(inner))


def render_components(rows):
    out = []
    for row in rows or []:
        buttons = [render_button(c) for c in row.get("components") or [] if c.get("type") == 2]
        if buttons:
            out.append('<div class="row">%s</div>' % "".join(buttons))
    return "".join(out)


def context_line(msg, user, command):
    """The line above the message: the command used, or the message replied to."""
    mini = '<span class="mini">%s</span>' % html.escape(user[:1].upper())
    if command:
        return ('<div class="context">%s<span class="who">%s</span><span class="text">used</span>'
                '<span class="cmd">/%s</span></div>' % (mini, html.escape(user), html.escape(command)))
    if not msg.get("message_reference"):
        return ""
    embeds = msg.get("embeds") or []
    question = embeds[0].get("title", "") if embeds else ""
    return ('<div class="context">%s<span class="who">@%s</span><span class="text">%s</span></div>'
            % (mini, html.escape(user), inline(question)))


def render(msg, user="reader", command=None, ephemeral=False, time="Today at 12:00"):
    ephemeral = ephemeral or bool((msg.get("flags") or 0) & 64)
    body = [context_line(msg, user, command)]
    body.append('<div class="avatar">%s</div>' % html.escape(BOT_NAME[:1].upper()))
    body.append('<div class="header"><span class="name">%s</span><span class="tag">Bot</span>'
                '<span class="time">%s</span></div>' % (html.escape(BOT_NAME), html.escape(time)))
    if msg.get("content"):
        body.append('<div class="content">%s</div>' % markdown(msg["content"]))
    body.extend(render_embed(e) for e in msg.get("embeds") or [])
    body.append(render_components(msg.get("components")))
    if ephemeral:
        body.append('<div class="ephemeral">%sOnly you can see this •<span class="link">Dismiss message</span></div>'
                    % EYE)
    # The script records the page's height, for a screenshot cropped to it.
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s — mock Discord message</title>
<style>%s</style></head>
<body><div class="msg">%s</div>
<script>addEventListener("load", () => {
  document.documentElement.dataset.height = Math.ceil(document.body.getBoundingClientRect().height);
});</script>
</body></html>
""" % (html.escape(BOT_NAME), CSS, "\n".join(p for p in body if p))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("golden", help="a discordgo MessageSend JSON file, such as bot/testdata/answer.golden.json")
    ap.add_argument("-o", "--out", help="the HTML file to write (default: standard output)")
    ap.add_argument("--user", default="reader", help="the name of the user the bot answers")
    ap.add_argument("--command", help="show the message as the response to this slash command, not as a reply")
    ap.add_argument("--ephemeral", action="store_true", help='add "Only you can see this"')
    args = ap.parse_args()
    with open(args.golden, encoding="utf-8") as f:
        msg = json.load(f)
    page = render(msg, user=args.user, command=args.command, ephemeral=args.ephemeral)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)


if __name__ == "__main__":
    main()
