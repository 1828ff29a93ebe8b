"""Form pieces: every input has a visible label, is described by its hint and error, and is marked invalid."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.imports import ImportVar
from reflex_base.vars import VarData

# True once React runs the page in the browser; false in the HTML the server sends first. A form in that HTML has no
# submit handler yet: pressed then, the browser submits it natively (a GET to the page itself, the password in the
# address bar and the server's log) and reloads it empty, wiping what the person typed. So a submit button stays
# disabled until then (and with it Enter in a field, which submits through the default button); the text typed meanwhile
# stays in its field, and React keeps it when it takes over.
page_is_live = rx.Var(
    "pageIsLive",
    _var_type=bool,
    _var_data=VarData(
        hooks={
            "const [pageIsLive, setPageIsLive] = useState(false);": None,
            "useEffect(() => { setPageIsLive(true); }, []);": None,
        },
        imports={"react": [ImportVar(tag="useState"), ImportVar(tag="useEffect")]},
    ),
)


def submit_button(label: str, **props: object) -> rx.Component:
    """A form's submit button that cannot submit before the page is live (see `page_is_live`)."""
    return rx.button(label, type="submit", disabled=~page_is_live, **props)


def field_error(message: rx.Var, field_id: str) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, id=f"{field_id}-error", color_scheme="red", size="2", role="alert"),
    )


def field_hint(hint: rx.Var | str, field_id: str) -> rx.Component:
    """The help text under a field (`{field_id}-hint`, which the input names in aria-describedby); a state var's text
    (the minimum price the service worked out) shows when it is not empty."""
    text = rx.text(hint, id=f"{field_id}-hint", size="1", color_scheme="gray")
    if isinstance(hint, rx.Var):
        return rx.cond(hint, text)
    return text if hint else rx.fragment()


def labelled(
    label: str, field_id: str, control: rx.Component, error: rx.Var | None = None, hint: rx.Var | str = ""
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500"}),
        control,
        field_hint(hint, field_id),
        field_error(error, field_id) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def field_input(field_id: str, errors: rx.Var, *, multiline: bool = False, **props: object) -> rx.Component:
    """An input named after its field, described by its hint and error, and marked invalid on error."""
    control = rx.text_area if multiline else rx.input
    return control(
        id=field_id,
        name=field_id,
        aria_describedby=f"{field_id}-hint {field_id}-error",
        aria_invalid=rx.cond(errors[field_id], "true", "false"),
        width="100%",
        **props,
    )


def text_field(
    label: str, field_id: str, errors: rx.Var, *, hint: rx.Var | str = "", multiline: bool = False, **props: object
) -> rx.Component:
    """A labelled text input whose error message is `errors[field_id]`."""
    return labelled(
        label, field_id, field_input(field_id, errors, multiline=multiline, **props), errors[field_id], hint
    )


def form_error(errors: rx.Var) -> rx.Component:
    """The message about the whole form (the service's refusal), under the key "form"."""
    return rx.cond(
        errors["form"],
        rx.callout(
            rx.text(
                errors["form"],
                rx.cond(errors["terms"], rx.fragment(" ", rx.link("Read and accept the terms", href="/terms"))),
            ),
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
        ),
    )
