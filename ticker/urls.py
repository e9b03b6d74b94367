app_name = "ticker"
urlpatterns = []
