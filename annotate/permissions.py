"""Who may do what. Admin means `user.is_staff`; everyone else logged in is a reviewer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

View = Callable[..., HttpResponse]


def user_is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_staff", False))


class IsAdmin(BasePermission):
    """API: admins only. Anonymous callers get 401 first (authentication runs before this)."""

    message = "Only admins can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return user_is_admin(request.user)


def admin_required(view: View) -> View:
    """Pages: a reviewer who follows an admin link is sent home with a message, not a bare 403.

    Anonymous users never get here: `config.middleware.LoginRequiredMiddleware` sends them to
    the login page first.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_is_admin(request.user):
            messages.error(request, "That page is for admins only.")
            return redirect("annotate:home")
        return view(request, *args, **kwargs)

    return wrapped
