"""The newsroom's forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from newsroom.models import ROLES
from newsroom.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField(
        "Mã xác thực (6 chữ số)", validators=[DataRequired(), Regexp(r"^\s*\d{6}\s*$")]
    )


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField("Tên hiển thị (bút danh)", validators=[Length(max=200)])
    role = SelectField("Vai trò", choices=[(role, role) for role in ROLES])
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024)]
    )


class ActionForm(FlaskForm):
    """A button with nothing but its CSRF token."""
