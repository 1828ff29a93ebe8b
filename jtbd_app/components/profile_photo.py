"""The member's photo: the settings section that uploads or removes it, and the avatar shown wherever they appear."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_error
from jtbd_app.state.profile_photos import UPLOAD_ID, ProfilePhotoState

S = ProfilePhotoState
HINT = (
    "A PNG, JPEG, GIF or WebP image of at most 5 MB. It is cropped to a square and saved anew, without its metadata "
    "(such as where it was taken)."
)


def avatar(photo_url: rx.Var | str, name: rx.Var | str, **props: object) -> rx.Component:
    """The member's photo, or the first letter of their name; the name beside it says who it is (alt is empty)."""
    return rx.avatar(src=photo_url, fallback=rx.Var.create(name).to(str)[0], alt="", radius="full", **props)


def photo_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Profile photo", size="4", as_="h2"),
        rx.hstack(
            rx.cond(
                S.photo_url,
                rx.image(src=S.photo_url, alt="Your profile photo", width="128px", height="128px", radius="full"),
                rx.text("No photo yet: members see the first letter of your name.", color_scheme="gray"),
            ),
            rx.cond(
                S.photo_url,
                rx.button("Remove photo", variant="soft", color_scheme="red", on_click=S.remove_photo),
            ),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        rx.form(
            rx.vstack(
                rx.text("Photo", weight="medium"),
                rx.upload(
                    rx.hstack(
                        rx.button(
                            rx.icon("image-up", size=16),
                            "Choose a photo",
                            type="button",
                            variant="soft",
                            aria_describedby="photo-hint",
                        ),
                        rx.cond(
                            rx.selected_files(UPLOAD_ID).length() > 0,
                            rx.text(rx.selected_files(UPLOAD_ID)[0], size="2", style={"overflow_wrap": "anywhere"}),
                            rx.text("or drop it here.", size="2", color_scheme="gray"),
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                    id=UPLOAD_ID,
                    multiple=False,
                    max_files=1,
                    no_keyboard=True,
                    style={"& input[type=file]": {"display": "none"}},
                    border="1px dashed var(--gray-a7)",
                    border_radius="var(--radius-2)",
                    padding="1rem",
                    width="100%",
                ),
                rx.text(HINT, id="photo-hint", size="1", color_scheme="gray"),
                field_error(S.errors["photo"], "photo"),
                field_error(S.errors["form"], "photo-form"),
                rx.button("Upload photo", type="submit", loading=S.busy),
                rx.cond(S.notice, rx.text(S.notice, role="status")),
                spacing="2",
                align="start",
                width="100%",
            ),
            on_submit=lambda _form: S.upload_photo(rx.upload_files(upload_id=UPLOAD_ID)),  # type: ignore[call-arg]
            reset_on_submit=False,
            aria_label="Upload a profile photo",
            style={"width": "100%"},
        ),
        spacing="3",
        width="100%",
        id="photo",  # the dashboard's checklist links here
    )
