#!/bin/busybox sh
# /init of the real-USB testbed VM (test/usbvm): load the USB modules,
# start the gadgets (our simulators as USB devices on dummy_hcd), run the
# checks, send the recordings out on the second serial port, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "usbvm: init at $(cut -d' ' -f1 /proc/uptime) s"

only=reader,printer,pad
record=
for a in $(cat /proc/cmdline); do
  case $a in
    usbvm.only=*) only=${a#usbvm.only=} ;;
    usbvm.record=1) record=1 ;;
  esac
done

# dummy_hcd: four controllers, one per gadget (dummy_udc.0 … .3).
for m in $(cat /etc/modules.order); do
  case $m in
    */dummy_hcd.ko) insmod "$m" num=4 ;;
    *) insmod "$m" ;;
  esac || echo "usbvm: insmod $m failed"
done
mount -t configfs none /sys/kernel/config
mkdir -p /dev/gadget /dev/ffs-pad
mount -t gadgetfs gadgetfs /dev/gadget

recflag() { [ -n "$record" ] && echo "-record /tmp/rec-$1.txt"; }
pids=
for g in reader printer pad; do
  case ,$only, in *,$g,*) ;; *) continue ;; esac
  # No preemption signals: one interrupting a FunctionFS or gadgetfs ep0
  # transfer loses it (see functionfs.again).
  GODEBUG=asyncpreemptoff=1 /bin/usbgadget $g $(recflag $g) >/tmp/gadget-$g.log 2>&1 &
  pids="$pids $!"
  # One gadget at a time: gadgetfs binds to the first free controller.
  i=0; while [ ! -S /run/usbvm-$g.sock ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
done
echo "usbvm: gadgets up at $(cut -d' ' -f1 /proc/uptime) s"

/bin/usbcheck -only "$only" -agent /bin/kiosk-agent
rc=$?

# On failure, the gadgets' goroutines are dumped (SIGQUIT) into their logs.
[ $rc = 0 ] && sig=TERM || sig=QUIT
if [ $rc != 0 ]; then
  for p in $pids; do echo "usbvm: --- pid $p $(cat /proc/$p/cmdline | tr '\0' ' ') in $(cat /proc/$p/wchan 2>/dev/null)"; cat /proc/$p/stack 2>/dev/null; done
fi
kill -$sig $pids 2>/dev/null
i=0
while [ $i -lt 40 ]; do
  alive=; for p in $pids; do kill -0 $p 2>/dev/null && alive=1; done
  [ -z "$alive" ] && break
  sleep 0.05; i=$((i+1))
done
kill -KILL $pids 2>/dev/null
if [ $rc != 0 ]; then
  for f in /tmp/gadget-*.log; do echo "usbvm: --- $f"; cat "$f"; done
  echo "usbvm: --- dmesg"; dmesg | tail -40
fi
if [ -n "$record" ]; then
  for f in /tmp/rec-*.txt; do
    [ -f "$f" ] || continue
    echo "=== FILE ${f#/tmp/rec-}" >/dev/ttyS1
    cat "$f" >/dev/ttyS1
  done
  echo "=== END" >/dev/ttyS1
fi
echo "usbvm: done at $(cut -d' ' -f1 /proc/uptime) s"
echo "USBVM-DONE rc=$rc"
poweroff -f
