"""Bootstrap glue for forms, loaded as a builtin: `{{ field|control }}` renders a widget with the
right classes and marks it invalid when it has errors."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
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
    widget_html = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:
        # As BoundField.__str__ does: the value the form was shown with
        # (core.forms.remember_initial).
        return widget_html + field.as_hidden(only_initial=True)
    return widget_html
