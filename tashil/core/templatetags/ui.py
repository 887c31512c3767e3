"""Bootstrap glue for forms, loaded as a builtin: `{{ field|control }}` renders a widget with the
right classes and marks it invalid when it has errors."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def control(field: BoundField) -> SafeString:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if type(widget) in FAST_SELECTS:
        widget_html = _select(field, attrs)
    else:
        widget_html = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:
        # As BoundField.__str__ does: the value the form was shown with
        # (core.forms.remember_initial).
        return widget_html + field.as_hidden(only_initial=True)
    return widget_html


# Django renders a select's every <option> through a template include: on a filter form of a
# dozen selects that was half of a list page's time (docs/performance.md). These widgets, used as
# they are, get the same markup written here in one pass; subclasses keep their own templates.
FAST_SELECTS = (forms.Select, forms.NullBooleanSelect)


def _select(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    """What `field.as_widget(attrs=attrs)` renders for a plain select, without the templates:
    the same attributes (BoundField's id, required, aria-*), options and selection."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts: list[str] = [
        format_html('<select name="{}"{}>', context["name"], flatatt(context["attrs"]))
    ]
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(_option(option) for option in options)
        if group_name:
            parts.append(SafeString("</optgroup>"))
    parts.append(SafeString("</select>"))
    return SafeString("".join(parts))


def _option(option: dict[str, Any]) -> str:
    # A filter's select may hold hundreds of options (the ISIC classes): the common attributes
    # (none, or `selected`) are written directly, anything else through flatatt.
    attrs = option["attrs"]
    if not attrs:
        extra = ""
    elif attrs == {"selected": True}:
        extra = " selected"
    else:
        extra = flatatt(attrs)
    value, label = escape(str(option["value"])), escape(option["label"])
    return f'<option value="{value}"{extra}>{label}</option>'
