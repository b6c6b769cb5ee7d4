window.yinsiDemoAnalyticsRan = true; document.documentElement.setAttribute("data-analytics", "on");
