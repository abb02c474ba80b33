"""Reading delivery lists: links in list lines, MassMessage {{target}} lines, the cap."""

from __future__ import annotations

from outreachbot.rules.delivery import Target, normalize_site, parse_delivery_list

LIST = "Group/Announcement list"


def titles(text: str, **kwargs) -> list[tuple[str, str | None, bool]]:
    return [(t.title, t.site, t.create)
            for t in parse_delivery_list(text, LIST, **kwargs).targets]


def test_links_in_list_lines_and_target_templates_in_page_order():
    text = """Intro text with a [[Help:Link]] that is not a target.

* [[User talk:Alice]]
# [[user_talk:bob|Bob's talk]] (added by Merrilee) [[User:Merrilee]]
{{target|page=Project talk:Libraries}}
{{Target | page = User talk:Carol | site = fr.wikipedia.org }}
{{target|page=User talk:Dave|create=yes}}
"""
    assert titles(text) == [
        ("User talk:Alice", None, False),
        ("User talk:Bob", None, False),
        ("Project talk:Libraries", None, False),
        ("User talk:Carol", "fr.wikipedia.org", False),
        ("User talk:Dave", None, True),
    ]


def test_comments_categories_and_files_are_not_targets():
    text = """<!-- * [[User talk:Hidden]]
{{target|page=User talk:Also hidden}} -->
* [[Category:Delivery lists]]
* [[File:Logo.png]]
* [[:Category:Libraries]]
* [[User talk:Alice]]
"""
    result = parse_delivery_list(text, LIST)
    assert [t.title for t in result.targets] == ["Category:Libraries", "User talk:Alice"]
    assert result.targets[1].line == 6  # line numbers survive a comment over two lines


def test_a_page_listed_twice_gets_one_post():
    text = "* [[User talk:Alice]]\n* [[User_talk:alice]]\n{{target|page=User talk:Alice}}\n" \
           "{{target|page=User talk:Alice|site=fr.wikipedia.org}}\n"
    result = parse_delivery_list(text, LIST)
    assert [(t.title, t.site) for t in result.targets] == [
        ("User talk:Alice", None), ("User talk:Alice", "fr.wikipedia.org")]
    assert result.duplicates == 2


def test_site_of_this_wiki_is_this_wiki():
    text = "{{target|page=User talk:Alice|site=https://Meta.Wikimedia.org/}}\n"
    assert titles(text, home="meta.wikimedia.org") == [("User talk:Alice", None, False)]


def test_bad_lines_are_reported_with_page_line_parameter_and_value():
    text = "* [[User talk:<Alice>]]\n{{target|site=fr.wikipedia.org}}\n" \
           "{{target|page=User talk:Bob|site=not a host!}}\n* [[User talk:Carol]]\n"
    result = parse_delivery_list(text, LIST)
    assert [t.title for t in result.targets] == ["User talk:Carol"]
    messages = [str(p) for p in result.problems]
    assert messages[0].startswith(f"[[{LIST}]] 'line 1'")
    assert "'User talk:<Alice>' is not a valid page title: page titles cannot contain" \
        in messages[0]
    assert result.problems[1].param == "page" and result.problems[1].item == "line 2"
    assert "has no page" in result.problems[1].message
    assert (result.problems[2].param, result.problems[2].value) == ("site", "not a host!")
    assert "not a wiki's host name" in result.problems[2].message


def test_a_list_over_the_cap_delivers_nothing_and_says_why():
    text = "".join(f"* [[User talk:User {n}]]\n" for n in range(12))
    result = parse_delivery_list(text, LIST, max_targets=10)
    assert result.targets == ()
    assert result.too_long
    assert "names 12 pages, more than the 10 the bot's operator allows" \
        in result.problems[0].message
    assert len(parse_delivery_list(text, LIST, max_targets=12).targets) == 12


def test_normalize_site():
    assert normalize_site("127.0.0.1:8932") == ("127.0.0.1:8932", None)
    assert normalize_site(" https://fr.wikipedia.org/wiki/Main ") == ("fr.wikipedia.org", None)
    assert normalize_site("") == (None, None)
    assert normalize_site("fr wikipedia")[1]


def test_target_key():
    assert Target("User talk:A", "fr.wikipedia.org").key == ("fr.wikipedia.org", "User talk:A")
    assert Target("User talk:A").key == ("", "User talk:A")
